import { ApiObject } from 'cdk8s';
import type { Construct } from 'constructs';
import {
  Component,
  containerResources,
  HelmChart,
  type Pods,
  type PostgresqlServiceConfig,
  type POSTGRESQL_VERSIONS,
  restrictedContainerSecurityContext,
  restrictedPodSecurityContext,
} from '@ck8s/core';
import { utcDailyCronWithSeconds } from './backup-time.js';
import { applicationCredentials, instanceResources } from './instance-parts.js';
import { addOperatorFlows } from './operator-flows.js';
import {
  type DataServiceDefinition,
  type DataServiceInstanceProps,
  type DataServiceOperatorProps,
  instanceComponentName,
} from './data-service-definition.js';
import { POSTGRESQL_ALERTS, POSTGRESQL_METRICS_JOB } from './postgresql-alerts.js';
import { POSTGRESQL_DASHBOARD } from './postgresql-dashboard.js';

/** The operator's namespace (the chart's and the Barman Cloud plugin's, which the operator reaches there). */
export const CNPG_NAMESPACE = 'cnpg-system';

/** CloudNativePG 1.30.0 (chart cloudnative-pg 0.29.0): the operator image, which also runs as each instance's bootstrap init container. */
export const CNPG_OPERATOR_IMAGE = 'ghcr.io/cloudnative-pg/cloudnative-pg:1.30.0';

/**
 * The Barman Cloud plugin's sidecar (chart plugin-barman-cloud 0.7.0 ships plugin v0.13.0), which the
 * plugin adds to every instance that archives to an ObjectStore; bump it with the chart.
 */
export const BARMAN_CLOUD_SIDECAR_IMAGE = 'ghcr.io/cloudnative-pg/plugin-barman-cloud-sidecar:v0.13.0';

/** The plugin's name, as a Cluster names it. */
export const BARMAN_CLOUD_PLUGIN = 'barman-cloud.cloudnative-pg.io';

/**
 * PostgreSQL images per supported major: CloudNativePG's own (`system` variant, Debian trixie), at the
 * minors CloudNativePG 1.30.0 tests (its .github/pg_versions.json).
 */
export const POSTGRESQL_IMAGES: Readonly<Record<(typeof POSTGRESQL_VERSIONS)[number], string>> = {
  '15': 'ghcr.io/cloudnative-pg/postgresql:15.18-system-trixie',
  '16': 'ghcr.io/cloudnative-pg/postgresql:16.14-system-trixie',
  '17': 'ghcr.io/cloudnative-pg/postgresql:17.10-system-trixie',
  '18': 'ghcr.io/cloudnative-pg/postgresql:18.4-system-trixie',
};

/** The operator's pods (chart labels). */
export const CNPG_OPERATOR_PODS: Pods = { name: 'cloudnative-pg', namespace: CNPG_NAMESPACE, labels: { 'app.kubernetes.io/name': 'cloudnative-pg' } };
/** The Barman Cloud plugin's pods, which the operator calls over mutual TLS. */
export const BARMAN_CLOUD_PODS: Pods = {
  name: 'plugin-barman-cloud',
  namespace: CNPG_NAMESPACE,
  labels: { 'app.kubernetes.io/name': 'plugin-barman-cloud' },
};

/** Ports of an instance: PostgreSQL, the exporter, the instance manager's status API (the operator calls it). */
export const POSTGRESQL_PORTS = { postgresql: 5432, metrics: 9187, status: 8000 } as const;

/** Names of an instance's objects in the tenant's namespace. */
export function postgresqlNames(name: string) {
  return {
    cluster: name,
    /** The application's user (basic-auth Secret, keys username and password); CloudNativePG adds the connection details to `<name>-app`. */
    credentials: `${name}-credentials`,
    /** The object storage keys of its backups (keys ACCESS_KEY_ID, ACCESS_SECRET_KEY). */
    backupCredentials: `${name}-backup-s3`,
    objectStore: `${name}-backups`,
    scheduledBackup: `${name}-daily`,
    /** Read-write Service (the primary); `-ro` and `-r` are the replicas and any instance. */
    service: `${name}-rw`,
  };
}

/** Where an instance's base backups and WAL go in the bucket. */
export function postgresqlBackupPath(bucket: string, prefix: string, tenant: string): string {
  return `s3://${bucket}/postgresql/${prefix}/${tenant}/`;
}

/** An instance's pods (CloudNativePG labels every pod of a Cluster with its name). */
export function postgresqlPods(tenant: string, name: string): Pods {
  return { name: instanceComponentName(tenant, name), namespace: tenant, labels: { 'cnpg.io/cluster': name } };
}

const OPERATOR_RESOURCES = containerResources('100m', '256Mi', '512Mi');
const PLUGIN_RESOURCES = containerResources('50m', '128Mi', '256Mi');
/** The Barman Cloud sidecar of each instance: uploads WAL segments and base backups. */
export const BARMAN_SIDECAR_RESOURCES = containerResources('50m', '128Mi', '512Mi');

/**
 * CloudNativePG (`controllers/cloudnative-pg.yaml`, namespace cnpg-system): the operator from its
 * project's own chart, and the Barman Cloud plugin (CloudNativePG's backup path since the in-tree
 * `barmanObjectStore` was deprecated in 1.26), whose TLS certificates cert-manager issues. Both are
 * restricted; the operator reaches the API server and the plugin, the API server its webhooks. Its
 * flows into tenant namespaces are declared by each instance (they are applied with the tenant).
 */
export class CloudNativePg extends Component {
  constructor(scope: Construct, id: string, props: DataServiceOperatorProps) {
    super(scope, id, { layer: 'controllers' });
    this.addNamespace({ name: CNPG_NAMESPACE });
    const security = {
      podSecurityContext: restrictedPodSecurityContext(),
      containerSecurityContext: restrictedContainerSecurityContext({ runAsUser: 10001, runAsGroup: 10001 }),
    };
    new HelmChart(this, 'operator', {
      catalog: props.catalog,
      chart: 'cloudnative-pg',
      namespace: CNPG_NAMESPACE,
      values: {
        crds: { create: true },
        config: { clusterWide: true },
        resources: OPERATOR_RESOURCES,
        ...security,
        // the platform writes its own PodMonitors (a layer later, once the CRD exists)
        monitoring: { podMonitorEnabled: false, grafanaDashboard: { create: false } },
      },
      expects: {
        workloads: ['Deployment/cloudnative-pg'],
        clusterObjects: [
          'ClusterRole/cloudnative-pg',
          'ClusterRole/cloudnative-pg-edit',
          'ClusterRole/cloudnative-pg-view',
          'ClusterRoleBinding/cloudnative-pg',
          'MutatingWebhookConfiguration/cnpg-mutating-webhook-configuration',
          'ValidatingWebhookConfiguration/cnpg-validating-webhook-configuration',
        ],
      },
    });
    new HelmChart(this, 'barman-cloud', {
      catalog: props.catalog,
      chart: 'plugin-barman-cloud',
      namespace: CNPG_NAMESPACE,
      values: { crds: { create: true }, resources: PLUGIN_RESOURCES, ...security },
      dependsOn: [{ name: 'cloudnative-pg', namespace: CNPG_NAMESPACE }],
      expects: {
        workloads: ['Deployment/plugin-barman-cloud'],
        clusterObjects: ['ClusterRole/plugin-barman-cloud', 'ClusterRoleBinding/plugin-barman-cloud-binding'],
      },
    });
    addOperatorFlows(this, { pods: CNPG_OPERATOR_PODS, metricsName: 'cloudnative-pg' });
    this.addFlow({ from: CNPG_OPERATOR_PODS, to: BARMAN_CLOUD_PODS, ports: [{ port: 9090 }] });
    this.addFlow({ from: BARMAN_CLOUD_PODS, to: { peer: 'api-server' } });
  }
}

/**
 * One PostgreSQL cluster of a tenant (`tenants/<tenant>-<name>.yaml`), in the tenant's namespace:
 * a CloudNativePG `Cluster` (restricted pods with requests and a memory limit, the platform's pinned
 * image, the application's database and user from a generated sops Secret, no superuser access), and
 * when the cluster backs up, an `ObjectStore` in the backup bucket with WAL archiving and a
 * `ScheduledBackup` at the platform's daily time. Only the tenant's pods reach it on 5432; the
 * operator reaches the instance manager; the instances reach the API server, each other and the
 * object storage. Prometheus scrapes every instance (job `postgresql`).
 */
export class PostgresqlInstance extends Component {
  constructor(scope: Construct, props: DataServiceInstanceProps<PostgresqlServiceConfig>) {
    const { tenant, service, backup } = props;
    super(scope, instanceComponentName(tenant, service.name), { layer: 'tenants' });
    const names = postgresqlNames(service.name);
    const pods = postgresqlPods(tenant, service.name);

    this.requireSecret(
      applicationCredentials(
        tenant,
        names.credentials,
        service.database,
        `user and password of the application's database ${service.database} in PostgreSQL ${service.name}`,
      ),
    );

    const resources = instanceResources(service);
    new ApiObject(this, 'cluster', {
      apiVersion: 'postgresql.cnpg.io/v1',
      kind: 'Cluster',
      metadata: { name: names.cluster, namespace: tenant },
      spec: {
        instances: service.instances,
        imageName: POSTGRESQL_IMAGES[service.version],
        imagePullPolicy: 'IfNotPresent',
        enableSuperuserAccess: false,
        bootstrap: { initdb: { database: service.database, owner: service.database, secret: { name: names.credentials } } },
        storage: { size: service.storage, ...(service.storageClass ? { storageClass: service.storageClass } : {}) },
        // the bootstrap init container and the initdb and join Jobs get these too
        resources,
        // the platform's PodMonitor scrapes the exporter (job postgresql)
        monitoring: { enablePodMonitor: false },
        ...(backup ? { plugins: [{ name: BARMAN_CLOUD_PLUGIN, isWALArchiver: true, parameters: { barmanObjectName: names.objectStore } }] } : {}),
      },
    });

    if (backup) {
      this.requireSecret({
        namespace: tenant,
        name: names.backupCredentials,
        keys: ['ACCESS_KEY_ID', 'ACCESS_SECRET_KEY'],
        // no generator: a key of the cluster's backup bucket here would let the tenant read (and delete)
        // every backup of the cluster, since the tenant's admins read the Secrets of their namespace
        purpose: `object storage key of PostgreSQL ${service.name}'s backups, limited to ${postgresqlBackupPath(backup.objectStorage.bucket, backup.prefix, tenant)}`,
      });
      new ApiObject(this, 'object-store', {
        apiVersion: 'barmancloud.cnpg.io/v1',
        kind: 'ObjectStore',
        metadata: { name: names.objectStore, namespace: tenant },
        spec: {
          configuration: {
            destinationPath: postgresqlBackupPath(backup.objectStorage.bucket, backup.prefix, tenant),
            endpointURL: backup.objectStorage.endpoint,
            s3Credentials: {
              accessKeyId: { name: names.backupCredentials, key: 'ACCESS_KEY_ID' },
              secretAccessKey: { name: names.backupCredentials, key: 'ACCESS_SECRET_KEY' },
            },
            wal: { compression: 'gzip' },
            data: { compression: 'gzip' },
          },
          // barman keeps what a recovery window needs: `keep` days of daily base backups and their WAL
          retentionPolicy: `${backup.keep}d`,
          instanceSidecarConfiguration: { resources: BARMAN_SIDECAR_RESOURCES },
        },
      });
      new ApiObject(this, 'scheduled-backup', {
        apiVersion: 'postgresql.cnpg.io/v1',
        kind: 'ScheduledBackup',
        metadata: { name: names.scheduledBackup, namespace: tenant },
        spec: {
          // CloudNativePG reads its six-field schedule in UTC (no time zone): see utcDailyCronWithSeconds
          schedule: utcDailyCronWithSeconds(backup.schedule.cron, backup.schedule.timeZone),
          backupOwnerReference: 'self',
          cluster: { name: names.cluster },
          method: 'plugin',
          pluginConfiguration: { name: BARMAN_CLOUD_PLUGIN },
          immediate: false,
        },
      });
      this.addFlow({ from: pods, to: { peer: 'object-storage', endpoint: backup.objectStorage.endpoint } });
    }

    // the tenant's pods, and only they, connect to the databases
    this.addFlow({ from: { name: tenant, namespace: tenant }, to: pods, ports: [{ port: POSTGRESQL_PORTS.postgresql }] });
    // streaming replication between the instances, and the instance manager's status API among them
    if (service.instances > 1)
      this.addFlow({ from: pods, to: pods, ports: [{ port: POSTGRESQL_PORTS.postgresql }, { port: POSTGRESQL_PORTS.status }] });
    // the instance manager reads and updates its Cluster, Secrets and its pod's status
    this.addFlow({ from: pods, to: { peer: 'api-server' } });
    this.addFlow({ from: CNPG_OPERATOR_PODS, to: pods, ports: [{ port: POSTGRESQL_PORTS.status }] });
    this.addOperatorPods({
      resource: `Cluster/${names.cluster}`,
      namespace: tenant,
      labels: { ...pods.labels },
      ports: [POSTGRESQL_PORTS.postgresql, POSTGRESQL_PORTS.metrics, POSTGRESQL_PORTS.status],
    });
    // the initdb and join Jobs carry the cluster's label too, so the flows above cover them
    this.addMetrics({ name: `postgresql-${pods.name}`, pods, port: POSTGRESQL_PORTS.metrics, job: POSTGRESQL_METRICS_JOB });
    this.addAlerts(POSTGRESQL_ALERTS);
    this.addDashboard(POSTGRESQL_DASHBOARD);
  }
}

/** PostgreSQL by CloudNativePG. */
export const POSTGRESQL: DataServiceDefinition<PostgresqlServiceConfig> = {
  kind: 'postgresql',
  addOperator: (scope, props) => new CloudNativePg(scope, 'cloudnative-pg', props),
  addInstance: (scope, props) => new PostgresqlInstance(scope, props),
  instanceImages: (service) => [POSTGRESQL_IMAGES[service.version], CNPG_OPERATOR_IMAGE, BARMAN_CLOUD_SIDECAR_IMAGE],
};
