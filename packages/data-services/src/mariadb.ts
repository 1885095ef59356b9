import { ApiObject } from 'cdk8s';
import type { Construct } from 'constructs';
import {
  Component,
  containerResources,
  HelmChart,
  type MARIADB_VERSIONS,
  type MariadbServiceConfig,
  PLATFORM_NAMESPACES,
  type Pods,
  restrictedContainerSecurityContext,
  restrictedPodSecurityContext,
} from '@ck8s/core';
import {
  type DataServiceDefinition,
  type DataServiceInstanceProps,
  type DataServiceOperatorProps,
  instanceComponentName,
} from './data-service-definition.js';
import { applicationCredentials, instanceResources } from './instance-parts.js';
import { addOperatorFlows } from './operator-flows.js';
import { MARIADB_ALERTS, MARIADB_BACKUP_SUFFIX, MARIADB_METRICS_JOB } from './mariadb-alerts.js';
import { MARIADB_DASHBOARD } from './mariadb-dashboard.js';

/** The operator's namespace. */
export const MARIADB_OPERATOR_NAMESPACE = 'mariadb-operator';

/**
 * mariadb-operator 26.6.0 (charts mariadb-operator and mariadb-operator-crds 26.6.0): the operator
 * image, which also runs in the tenant's namespace as each Galera pod's init and agent containers
 * and as the upload step of each backup Job.
 */
export const MARIADB_OPERATOR_IMAGE = 'ghcr.io/mariadb-operator/mariadb-operator:26.6.0';

/** The exporter the operator runs for each instance (its chart's default, with the registry named). */
export const MARIADB_EXPORTER_IMAGE = 'docker.io/prom/mysqld-exporter:v0.15.1';

/**
 * MariaDB images per supported release: the official image (Docker Hub's library/mariadb), at the
 * patch of 11.8 that mariadb-operator 26.6.0 defaults to and the patches of 10.11 and 11.4 released
 * with the same quarterly round of MariaDB's long-term releases.
 */
export const MARIADB_IMAGES: Readonly<Record<(typeof MARIADB_VERSIONS)[number], string>> = {
  '10.11': 'docker.io/library/mariadb:10.11.16',
  '11.4': 'docker.io/library/mariadb:11.4.10',
  '11.8': 'docker.io/library/mariadb:11.8.8',
};

/** The operator's pods (controller and webhook). */
export const MARIADB_OPERATOR_PODS: Pods = {
  name: 'mariadb-operator',
  namespace: MARIADB_OPERATOR_NAMESPACE,
  labels: { 'app.kubernetes.io/instance': 'mariadb-operator' },
};
const CONTROLLER_PODS: Pods = {
  name: 'mariadb-operator-controller',
  namespace: MARIADB_OPERATOR_NAMESPACE,
  labels: { 'app.kubernetes.io/name': 'mariadb-operator' },
};
const WEBHOOK_PODS: Pods = {
  name: 'mariadb-operator-webhook',
  namespace: MARIADB_OPERATOR_NAMESPACE,
  labels: { 'app.kubernetes.io/name': 'mariadb-operator-webhook' },
};

/**
 * Ports of an instance: MariaDB, Galera's state transfer (mariabackup SST), replication and
 * incremental state transfer, the Galera agent's API (the operator calls it), and the exporter.
 */
export const MARIADB_PORTS = { mariadb: 3306, sst: 4444, galera: 4567, ist: 4568, agent: 5555, metrics: 9104 } as const;

/**
 * Label of an instance's objects, which the operator copies to every object it makes for it
 * (`inheritMetadata`); the metrics Service's value of it is the `job` of its series (the
 * ServiceMonitor's jobLabel), so every instance's series share MARIADB_METRICS_JOB.
 */
export const MARIADB_JOB_LABEL = 'platform.ck8s.io/metrics-job';

/** Names of an instance's objects in the tenant's namespace. */
export function mariadbNames(name: string) {
  return {
    mariadb: name,
    /** The application's user (basic-auth Secret, keys username and password), owner of its database. */
    credentials: `${name}-credentials`,
    /** The operator's own passwords for the instance: root, the Galera agent's basic auth, the exporter's user. */
    internal: `${name}-internal`,
    /** The object storage keys of its backups (keys access-key-id, secret-access-key). */
    backupCredentials: `${name}-backup-s3`,
    /** The daily Backup, and so its CronJob (see MARIADB_BACKUP_SUFFIX). */
    backup: `${name}${MARIADB_BACKUP_SUFFIX}`,
    /** Service of every ready server (Galera is multi-primary); `-primary` is the one the operator writes to. */
    service: name,
    /** The exporter's Deployment and Service. */
    metrics: `${name}-metrics`,
  };
}

/** Where an instance's backups go in the bucket. */
export function mariadbBackupPrefix(prefix: string, tenant: string, name: string): string {
  return `mariadb/${prefix}/${tenant}/${name}`;
}

/** An instance's server pods (the operator labels every pod of a MariaDB with its instance name). */
export function mariadbPods(tenant: string, name: string): Pods {
  return {
    name: instanceComponentName(tenant, name),
    namespace: tenant,
    labels: { 'app.kubernetes.io/name': 'mariadb', 'app.kubernetes.io/instance': name },
  };
}

/** An instance's exporter pods (labels of the operator's metrics Deployment). */
function exporterPods(tenant: string, name: string): Pods {
  return {
    name: `${instanceComponentName(tenant, name)}-metrics`,
    namespace: tenant,
    labels: { 'app.kubernetes.io/name': 'exporter', 'app.kubernetes.io/instance': mariadbNames(name).metrics },
  };
}

/** An instance's backup Job pods: the operator labels them with nothing of their own, so the Backup gives them these. */
function backupPods(tenant: string, name: string): Pods {
  return {
    name: `${instanceComponentName(tenant, name)}-backup`,
    namespace: tenant,
    labels: { 'app.kubernetes.io/name': 'mariadb-backup', 'app.kubernetes.io/instance': mariadbNames(name).backup },
  };
}

const OPERATOR_RESOURCES = containerResources('50m', '128Mi', '512Mi');
const WEBHOOK_RESOURCES = containerResources('10m', '64Mi', '256Mi');
/** The Galera agent sidecar and init container of each server (the operator's Go binary). */
export const GALERA_HELPER_RESOURCES = containerResources('10m', '64Mi', '256Mi');
/** The exporter of each instance. */
export const MARIADB_EXPORTER_RESOURCES = containerResources('10m', '32Mi', '128Mi');
/** Each container of a backup Job: mariadb-dump, then the upload to object storage. */
export const MARIADB_BACKUP_RESOURCES = containerResources('100m', '256Mi', '1Gi');

/** The operator's own image (distroless, user 65532): read-only root, restricted. */
const OPERATOR_POD_SECURITY = restrictedPodSecurityContext({ runAsUser: 65532, runAsGroup: 65532 });

/**
 * The official image's mysql user (999), as the operator's own default for its Jobs; the volumes
 * are made writable for its group.
 */
const MARIADB_POD_SECURITY = restrictedPodSecurityContext({ runAsUser: 999, runAsGroup: 999, fsGroup: 999 });

/**
 * The restricted container context as mariadb-operator's SecurityContext type takes it: it has no
 * seccompProfile (the pod's RuntimeDefault applies to every container).
 */
function operatorContainerSecurity(readOnlyRootFilesystem: boolean): Record<string, unknown> {
  const { seccompProfile: _pod, ...context } = restrictedContainerSecurityContext({ readOnlyRootFilesystem });
  return context;
}

/**
 * mariadb-operator (`controllers/mariadb-operator.yaml`, namespace mariadb-operator): the operator and
 * its validating webhook, whose certificate cert-manager issues, from the project's chart with its
 * CRDs, both restricted. Chosen for MariaDB because it runs Galera as a
 * first-class topology (bootstrap, recovery after a full outage, the agent that reports each node's
 * state) and has declarative backups to S3; the operator reaches the API server, the API server its
 * webhook. Its flows into tenant namespaces are declared by each instance (they are applied with the
 * tenant).
 */
export class MariadbOperator extends Component {
  constructor(scope: Construct, id: string, props: DataServiceOperatorProps) {
    super(scope, id, { layer: 'controllers' });
    this.addNamespace({ name: MARIADB_OPERATOR_NAMESPACE });
    const containerSecurity = restrictedContainerSecurityContext();
    const component = { podSecurityContext: OPERATOR_POD_SECURITY, securityContext: containerSecurity };
    new HelmChart(this, 'operator', {
      catalog: props.catalog,
      chart: 'mariadb-operator',
      namespace: MARIADB_OPERATOR_NAMESPACE,
      values: {
        // the CRDs chart is a dependency of this one: one release installs and upgrades both
        crds: { enabled: true },
        // the platform declares the operator's metrics endpoint (a PodMonitor a layer later)
        metrics: { enabled: true, serviceMonitor: { enabled: false } },
        ...component,
        resources: OPERATOR_RESOURCES,
        // the webhook's certificate from cert-manager (a self-signed Issuer of the chart; the CA injector
        // fills the webhook's caBundle) instead of the chart's own cert-controller Deployment
        webhook: {
          ...component,
          resources: WEBHOOK_RESOURCES,
          serviceMonitor: { enabled: false },
          cert: { certManager: { enabled: true } },
        },
        // images with their registry, for an instance that names none (every instance here names its own)
        config: {
          mariadbImage: { repository: 'docker.io/library/mariadb', tag: MARIADB_IMAGES['11.8'].split(':')[1] },
          exporterImage: { repository: 'docker.io/prom/mysqld-exporter', tag: MARIADB_EXPORTER_IMAGE.split(':')[1] },
        },
      },
      // its Certificate and Issuer need cert-manager's CRDs
      dependsOn: [{ name: 'cert-manager', namespace: PLATFORM_NAMESPACES.certManager }],
      expects: {
        workloads: ['Deployment/mariadb-operator', 'Deployment/mariadb-operator-webhook'],
        clusterObjects: [
          'ClusterRole/mariadb-operator',
          'ClusterRole/mariadb-operator-edit',
          'ClusterRole/mariadb-operator-view',
          'ClusterRoleBinding/mariadb-operator',
          // the chart always binds the operator to system:auth-delegator (TokenReviews for the agents' Kubernetes auth, unused here)
          'ClusterRoleBinding/mariadb-operator:auth-delegator',
          'ValidatingWebhookConfiguration/mariadb-operator-webhook',
        ],
      },
    });
    addOperatorFlows(this, { pods: MARIADB_OPERATOR_PODS, webhookPods: WEBHOOK_PODS, metricsPods: CONTROLLER_PODS, metricsName: 'mariadb-operator' });
  }
}

/**
 * One MariaDB of a tenant (`tenants/<tenant>-<name>.yaml`), in the tenant's namespace: a `MariaDB`
 * (a Galera cluster from 3 instances, a single server with 1) with restricted pods with requests and
 * a memory limit (the server, the Galera init and agent containers, the Galera bootstrap and recovery
 * Jobs, the exporter), the platform's pinned image, the application's database and user and the
 * operator's passwords from generated sops Secrets; when the cluster backs up, a daily logical
 * `Backup` (mariadb-dump, gzip) to the backup bucket that keeps the platform's days. Only the tenant's
 * pods reach it on 3306; the operator reaches the servers and the agents; the servers reach each
 * other (Galera) and the API server (the init and agent containers read their MariaDB and pods);
 * Prometheus scrapes the exporter (job mariadb), which probes every server.
 */
export class MariadbInstance extends Component {
  constructor(scope: Construct, props: DataServiceInstanceProps<MariadbServiceConfig>) {
    const { tenant, service, backup } = props;
    super(scope, instanceComponentName(tenant, service.name), { layer: 'tenants' });
    const names = mariadbNames(service.name);
    const pods = mariadbPods(tenant, service.name);
    const exporter = exporterPods(tenant, service.name);
    const galera = service.instances > 1;

    this.requireSecret(
      applicationCredentials(
        tenant,
        names.credentials,
        service.database,
        `user and password of the application's database ${service.database} in MariaDB ${service.name}`,
      ),
    );
    this.requireSecret({
      namespace: tenant,
      name: names.internal,
      keys: ['root-password', 'agent-password', 'metrics-password'],
      purpose: `the root password of MariaDB ${service.name}, and those the operator uses with its Galera agents and its exporter`,
      generate: (context) => ({ 'root-password': context.password(), 'agent-password': context.password(), 'metrics-password': context.password() }),
    });

    const resources = instanceResources(service);
    // mariadbd writes its socket and pid under /run/mysqld and temporary files under /tmp, which
    // the operator mounts no volume on: the root filesystem stays writable (restricted allows it)
    const serverSecurity = operatorContainerSecurity(false);
    const helperSecurity = operatorContainerSecurity(true);
    const secretRef = (name: string, key: string) => ({ name, key, generate: false });
    new ApiObject(this, 'mariadb', {
      apiVersion: 'k8s.mariadb.com/v1alpha1',
      kind: 'MariaDB',
      metadata: { name: names.mariadb, namespace: tenant },
      spec: {
        image: MARIADB_IMAGES[service.version],
        imagePullPolicy: 'IfNotPresent',
        replicas: service.instances,
        rootPasswordSecretKeyRef: secretRef(names.internal, 'root-password'),
        database: service.database,
        username: service.database,
        passwordSecretKeyRef: secretRef(names.credentials, 'password'),
        storage: { size: service.storage, ...(service.storageClass ? { storageClassName: service.storageClass } : {}) },
        podSecurityContext: MARIADB_POD_SECURITY,
        securityContext: serverSecurity,
        resources,
        // every object the operator makes for the instance carries it: the metrics Service names the job
        inheritMetadata: { labels: { [MARIADB_JOB_LABEL]: MARIADB_METRICS_JOB } },
        ...(galera
          ? {
              galera: {
                enabled: true,
                sst: 'mariabackup',
                // the image must be named whenever the init container is configured (the operator
                // fills it in only for an init container left entirely empty)
                initContainer: { image: MARIADB_OPERATOR_IMAGE, securityContext: helperSecurity, resources: GALERA_HELPER_RESOURCES },
                agent: {
                  image: MARIADB_OPERATOR_IMAGE,
                  securityContext: helperSecurity,
                  resources: GALERA_HELPER_RESOURCES,
                  // basic auth rather than the default TokenReviews, which need a ClusterRoleBinding per instance
                  basicAuth: { enabled: true, username: 'mariadb-operator', passwordSecretKeyRef: secretRef(names.internal, 'agent-password') },
                },
                // the bootstrap and recovery Jobs run mariadbd with these, not the server's
                initJob: { resources },
                recovery: { enabled: true, job: { resources } },
              },
            }
          : {}),
        metrics: {
          enabled: true,
          username: 'metrics',
          passwordSecretKeyRef: secretRef(names.internal, 'metrics-password'),
          exporter: {
            image: MARIADB_EXPORTER_IMAGE,
            podSecurityContext: restrictedPodSecurityContext({ runAsUser: 65534, runAsGroup: 65534 }),
            securityContext: helperSecurity,
            resources: MARIADB_EXPORTER_RESOURCES,
          },
          serviceMonitor: { jobLabel: MARIADB_JOB_LABEL },
        },
      },
    });

    if (backup) {
      this.requireSecret({
        namespace: tenant,
        name: names.backupCredentials,
        keys: ['access-key-id', 'secret-access-key'],
        // no generator: a key of the cluster's backup bucket here would let the tenant read (and delete)
        // every backup of the cluster, since the tenant's admins read the Secrets of their namespace
        purpose: `object storage key of MariaDB ${service.name}'s backups, limited to ${backup.objectStorage.bucket}/${mariadbBackupPrefix(backup.prefix, tenant, service.name)}`,
      });
      const jobs = backupPods(tenant, service.name);
      new ApiObject(this, 'backup', {
        apiVersion: 'k8s.mariadb.com/v1alpha1',
        kind: 'Backup',
        metadata: { name: names.backup, namespace: tenant },
        spec: {
          mariaDbRef: { name: names.mariadb },
          schedule: { cron: backup.schedule.cron },
          timeZone: backup.schedule.timeZone,
          // the Backup Job deletes what is older than the platform's days
          maxRetention: `${backup.keep * 24}h`,
          compression: 'gzip',
          storage: {
            s3: {
              bucket: backup.objectStorage.bucket,
              endpoint: backup.objectStorage.endpoint.replace(/^https?:\/\//, ''),
              region: backup.objectStorage.region,
              prefix: mariadbBackupPrefix(backup.prefix, tenant, service.name),
              accessKeyIdSecretKeyRef: { name: names.backupCredentials, key: 'access-key-id' },
              secretAccessKeySecretKeyRef: { name: names.backupCredentials, key: 'secret-access-key' },
              tls: { enabled: backup.objectStorage.endpoint.startsWith('https://') },
            },
          },
          podMetadata: { labels: jobs.labels },
          podSecurityContext: MARIADB_POD_SECURITY,
          securityContext: serverSecurity,
          resources: MARIADB_BACKUP_RESOURCES,
          successfulJobsHistoryLimit: 3,
          failedJobsHistoryLimit: 3,
        },
      });
      this.addFlow({ from: jobs, to: pods, ports: [{ port: MARIADB_PORTS.mariadb }] });
      this.addFlow({ from: jobs, to: { peer: 'object-storage', endpoint: backup.objectStorage.endpoint } });
    }

    // the tenant's pods, and only they, connect to the databases
    this.addFlow({ from: { name: tenant, namespace: tenant }, to: pods, ports: [{ port: MARIADB_PORTS.mariadb }] });
    // the operator creates the database, users and grants over SQL and asks each Galera agent for its node's state
    this.addFlow({
      from: CONTROLLER_PODS,
      to: pods,
      ports: [{ port: MARIADB_PORTS.mariadb }, ...(galera ? [{ port: MARIADB_PORTS.agent }] : [])],
    });
    if (galera) {
      // Galera replication (TCP and UDP), state transfers, and SQL between the nodes
      this.addFlow({
        from: pods,
        to: pods,
        ports: [
          { port: MARIADB_PORTS.mariadb },
          { port: MARIADB_PORTS.sst },
          { port: MARIADB_PORTS.galera },
          { port: MARIADB_PORTS.galera, protocol: 'UDP' },
          { port: MARIADB_PORTS.ist },
        ],
      });
      // the init and agent containers read their MariaDB and the pods of the StatefulSet
      this.addFlow({ from: pods, to: { peer: 'api-server' } });
    }
    this.addFlow({ from: exporter, to: pods, ports: [{ port: MARIADB_PORTS.mariadb }] });
    // the operator's ServiceMonitor of the instance scrapes the exporter (job from MARIADB_JOB_LABEL)
    this.addMetrics({ name: `mariadb-${pods.name}`, pods: exporter, port: MARIADB_PORTS.metrics, job: MARIADB_METRICS_JOB, monitor: false });
    this.addAlerts(MARIADB_ALERTS);
    this.addDashboard(MARIADB_DASHBOARD);
  }
}

/** MariaDB (Galera) by mariadb-operator. */
export const MARIADB: DataServiceDefinition<MariadbServiceConfig> = {
  kind: 'mariadb',
  addOperator: (scope, props) => new MariadbOperator(scope, 'mariadb-operator', props),
  addInstance: (scope, props) => new MariadbInstance(scope, props),
  instanceImages: (service) => [MARIADB_IMAGES[service.version], MARIADB_OPERATOR_IMAGE, MARIADB_EXPORTER_IMAGE],
};
