import { ApiObject } from 'cdk8s';
import type { Construct } from 'constructs';
import {
  Component,
  containerResources,
  GitRepository,
  gitopsEngineOf,
  Kustomization,
  objectName,
  type Pods,
  type RabbitmqServiceConfig,
  releaseReconciler,
  restrictedContainerSecurityContext,
  restrictedPodSecurityContext,
} from '@ck8s/core';
import {
  type DataServiceDefinition,
  type DataServiceInstanceProps,
  type DataServiceOperatorProps,
  instanceComponentName,
} from './data-service-definition.js';
import { addOperatorFlows } from './operator-flows.js';
import { RABBITMQ_ALERTS, RABBITMQ_METRICS_JOB } from './rabbitmq-alerts.js';
import { RABBITMQ_DASHBOARD } from './rabbitmq-dashboard.js';

/** The operator's namespace (the upstream manifests' own name for it). */
export const RABBITMQ_OPERATOR_NAMESPACE = 'rabbitmq-system';

/** Catalog key of the operator's install manifests (charts/catalog.yaml `manifests`). */
export const RABBITMQ_OPERATOR_MANIFESTS = 'rabbitmq-cluster-operator';

/** The operator image of the pinned release (the upstream folder names `:latest`; the release build sets the tag). */
export const RABBITMQ_OPERATOR_IMAGE = 'ghcr.io/rabbitmq/cluster-operator:2.22.3';

/** RabbitMQ itself: the official image, at the release cluster-operator 2.22.3 defaults to (its DEFAULT_RABBITMQ_IMAGE). */
export const RABBITMQ_IMAGE = 'docker.io/library/rabbitmq:4.2.6-management';

/**
 * The S3 client of the definitions export: rclone copies a URL straight to object storage
 * (`copyurl`), so one container fetches the definitions from the management API and uploads them.
 */
export const DEFINITIONS_EXPORT_IMAGE = 'docker.io/rclone/rclone:1.76.0';

/** The operator's pods (labels of the upstream Deployment). */
export const RABBITMQ_OPERATOR_PODS: Pods = {
  name: 'rabbitmq-cluster-operator',
  namespace: RABBITMQ_OPERATOR_NAMESPACE,
  labels: { 'app.kubernetes.io/name': 'rabbitmq-cluster-operator' },
};

/** Ports of a RabbitMQ node. */
export const RABBITMQ_PORTS = { amqp: 5672, stream: 5552, management: 15672, prometheus: 15692, epmd: 4369, distribution: 25672 } as const;

/** Names of an instance's objects in the tenant's namespace. */
export function rabbitmqNames(name: string) {
  return {
    cluster: name,
    /** The default user (keys username, password and default_user.conf, which the operator reads). */
    credentials: `${name}-credentials`,
    backupCredentials: `${name}-backup-s3`,
    definitionsExport: `${name}-definitions-export`,
    /** The client Service: AMQP 5672, streams 5552, management 15672. */
    service: name,
  };
}

/** An instance's pods (the operator labels every pod of a RabbitmqCluster with its name). */
export function rabbitmqPods(tenant: string, name: string): Pods {
  return {
    name: instanceComponentName(tenant, name),
    namespace: tenant,
    labels: { 'app.kubernetes.io/name': name, 'app.kubernetes.io/component': 'rabbitmq' },
  };
}

/** The definitions export Job's pods. */
export function definitionsExportPods(tenant: string, name: string): Pods {
  return {
    name: `${instanceComponentName(tenant, name)}-export`,
    namespace: tenant,
    labels: { 'app.kubernetes.io/name': rabbitmqNames(name).definitionsExport },
  };
}

/** Where an instance's definitions go in the bucket. */
export function rabbitmqDefinitionsPath(prefix: string, tenant: string, name: string): string {
  return `rabbitmq/${prefix}/${tenant}/${name}/`;
}

const EXPORT_RESOURCES = containerResources('50m', '64Mi', '128Mi');

/**
 * The RabbitMQ Cluster Operator (`controllers/rabbitmq-cluster-operator.yaml`, namespace
 * rabbitmq-system). The RabbitMQ team publishes no Helm chart: its releases are the manifests
 * `kustomize build config/installation` makes (cluster-operator.yml). So Flux applies that folder
 * of the upstream repository at the catalog's tag, checked out at the pinned commit, with patches:
 * the namespace stays the platform's (hardened here, so the upstream Namespace is dropped), and the
 * image gets the release's tag. Its pods already run restricted with requests and limits; its
 * webhook certificate comes from cert-manager (the folder's Issuer). Flux clusters only.
 */
export class RabbitmqClusterOperator extends Component {
  constructor(scope: Construct, id: string, props: DataServiceOperatorProps) {
    super(scope, id, { layer: 'controllers' });
    const namespace = RABBITMQ_OPERATOR_NAMESPACE;
    if (gitopsEngineOf(this) !== 'flux')
      throw new Error('the RabbitMQ cluster operator is delivered as upstream manifests through Flux; not supported with gitops.engine argocd yet');
    const entry = props.catalog.manifests(RABBITMQ_OPERATOR_MANIFESTS);
    this.addNamespace({ name: namespace });
    this.addImageRegistries(namespace, entry.registries ?? []);
    const name = entry.name;
    const reconciler = releaseReconciler(name);
    new GitRepository(this, 'source', {
      metadata: { name, namespace },
      spec: { url: entry.repository, interval: '1h', ref: { tag: entry.tag, commit: entry.commit } },
    });
    new Kustomization(this, 'manifests', {
      metadata: { name, namespace },
      spec: {
        interval: '30m',
        // its Certificate and Issuer need the CRDs of cert-manager, which a release of the same layer installs:
        // a first attempt before them fails, and is retried soon rather than at the interval
        retryInterval: '2m',
        path: `./${entry.path}`,
        sourceRef: { kind: 'GitRepository', name },
        prune: true,
        wait: true,
        serviceAccountName: reconciler,
        patches: [
          // the platform owns the namespace (Pod Security labels, default deny)
          { patch: `$patch: delete\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${namespace}\n`, target: { kind: 'Namespace' } },
          {
            patch: `- op: replace\n  path: /spec/template/spec/containers/0/image\n  value: ${RABBITMQ_OPERATOR_IMAGE}\n`,
            target: { kind: 'Deployment', name: 'rabbitmq-cluster-operator' },
          },
        ],
      },
    });
    // as for a chart's release: the manifests create CRDs, ClusterRoles and webhooks
    new ApiObject(this, 'reconciler', {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: reconciler, namespace },
      automountServiceAccountToken: false,
    });
    new ApiObject(this, 'reconciler-binding', {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: objectName('flux', namespace, name) },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
      subjects: [{ kind: 'ServiceAccount', name: reconciler, namespace }],
    });
    addOperatorFlows(this, { pods: RABBITMQ_OPERATOR_PODS, metricsName: 'rabbitmq-cluster-operator' });
  }
}

/**
 * One RabbitMQ cluster of a tenant (`tenants/<tenant>-<name>.yaml`): a `RabbitmqCluster` with the
 * platform's pinned image, requests and a memory limit, its default user from a generated sops
 * Secret (the operator's `secretBackend.externalSecret`), and when the cluster backs up, a daily
 * CronJob that exports the definitions (users, virtual hosts, permissions, queues, exchanges,
 * bindings, policies; never messages) from the management API to the backup bucket, keeping
 * `backup.keep` exports. Only the tenant's pods reach AMQP, streams and the management API.
 */
export class RabbitmqInstance extends Component {
  constructor(scope: Construct, props: DataServiceInstanceProps<RabbitmqServiceConfig>) {
    const { tenant, service, backup } = props;
    super(scope, instanceComponentName(tenant, service.name), { layer: 'tenants' });
    const names = rabbitmqNames(service.name);
    const pods = rabbitmqPods(tenant, service.name);
    this.requireSecret({
      namespace: tenant,
      name: names.credentials,
      keys: ['username', 'password', 'default_user.conf'],
      purpose: `default user of RabbitMQ ${service.name} (applications connect with username and password)`,
      generate: (context) => {
        const password = context.password();
        return { username: 'app', password, 'default_user.conf': `default_user = app\ndefault_pass = ${password}\n` };
      },
    });
    new ApiObject(this, 'cluster', {
      apiVersion: 'rabbitmq.com/v1beta1',
      kind: 'RabbitmqCluster',
      metadata: { name: names.cluster, namespace: tenant },
      spec: {
        replicas: service.replicas,
        image: RABBITMQ_IMAGE,
        // the operator sets the same on its setup init container's limits, so the memory limit equals the request
        resources: {
          requests: { cpu: service.resources.cpu, memory: service.resources.memory },
          limits: { memory: service.resources.memory },
        },
        persistence: { storage: service.storage, ...(service.storageClass ? { storageClassName: service.storageClass } : {}) },
        secretBackend: { externalSecret: { name: names.credentials } },
        service: { type: 'ClusterIP' },
      },
    });

    if (backup) {
      this.requireSecret({
        namespace: tenant,
        name: names.backupCredentials,
        keys: ['access-key-id', 'secret-access-key'],
        // no generator, as for PostgreSQL: the cluster's backup key must not land in a namespace the tenant reads
        purpose: `object storage key of RabbitMQ ${service.name}'s definitions export, limited to ${backup.objectStorage.bucket}/${rabbitmqDefinitionsPath(backup.prefix, tenant, service.name)}`,
      });
      const exportPods = definitionsExportPods(tenant, service.name);
      const path = rabbitmqDefinitionsPath(backup.prefix, tenant, service.name);
      const script = [
        'set -eu',
        'name="definitions-$(date -u +%Y%m%dT%H%M%SZ).json"',
        // the management API answers with every definition; the password is URL-safe (generated so)
        `rclone copyurl "http://$USERNAME:$PASSWORD@${names.service}.${tenant}.svc:${RABBITMQ_PORTS.management}/api/definitions" "s3:$BUCKET/$EXPORT_PATH$name"`,
        `rclone lsf --files-only "s3:$BUCKET/$EXPORT_PATH" | grep '^definitions-.*\\.json$' | sort -r | awk 'NR > ${backup.keep}' | while read -r old; do rclone deletefile "s3:$BUCKET/$EXPORT_PATH$old"; done`,
        'echo "exported $name"',
      ].join('\n');
      const secretEnv = (envName: string, secret: string, key: string) => ({ name: envName, valueFrom: { secretKeyRef: { name: secret, key } } });
      new ApiObject(this, 'definitions-export', {
        apiVersion: 'batch/v1',
        kind: 'CronJob',
        metadata: { name: names.definitionsExport, namespace: tenant },
        spec: {
          schedule: backup.schedule.cron,
          timeZone: backup.schedule.timeZone,
          concurrencyPolicy: 'Forbid',
          successfulJobsHistoryLimit: 1,
          failedJobsHistoryLimit: 3,
          jobTemplate: {
            spec: {
              backoffLimit: 2,
              template: {
                metadata: { labels: { ...exportPods.labels } },
                spec: {
                  restartPolicy: 'Never',
                  automountServiceAccountToken: false,
                  securityContext: restrictedPodSecurityContext({ runAsUser: 65534, runAsGroup: 65534 }),
                  containers: [
                    {
                      name: 'export',
                      image: DEFINITIONS_EXPORT_IMAGE,
                      command: ['/bin/sh', '-c', script],
                      env: [
                        secretEnv('USERNAME', names.credentials, 'username'),
                        secretEnv('PASSWORD', names.credentials, 'password'),
                        { name: 'BUCKET', value: backup.objectStorage.bucket },
                        { name: 'EXPORT_PATH', value: path },
                        { name: 'RCLONE_CONFIG_S3_TYPE', value: 's3' },
                        { name: 'RCLONE_CONFIG_S3_PROVIDER', value: 'Other' },
                        { name: 'RCLONE_CONFIG_S3_ENDPOINT', value: backup.objectStorage.endpoint },
                        { name: 'RCLONE_CONFIG_S3_REGION', value: backup.objectStorage.region },
                        secretEnv('RCLONE_CONFIG_S3_ACCESS_KEY_ID', names.backupCredentials, 'access-key-id'),
                        secretEnv('RCLONE_CONFIG_S3_SECRET_ACCESS_KEY', names.backupCredentials, 'secret-access-key'),
                        // rclone keeps no config or cache on disk: a read-only root needs only /tmp
                        { name: 'RCLONE_CONFIG', value: '/tmp/rclone.conf' },
                        { name: 'RCLONE_CACHE_DIR', value: '/tmp/cache' },
                      ],
                      securityContext: restrictedContainerSecurityContext(),
                      resources: EXPORT_RESOURCES,
                      volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
                    },
                  ],
                  volumes: [{ name: 'tmp', emptyDir: { sizeLimit: '64Mi' } }],
                },
              },
            },
          },
        },
      });
      this.addFlow({ from: exportPods, to: pods, ports: [{ port: RABBITMQ_PORTS.management }] });
      this.addFlow({ from: exportPods, to: { peer: 'object-storage', endpoint: backup.objectStorage.endpoint } });
    }

    // the tenant's pods, and only they: AMQP, streams and the management API
    this.addFlow({
      from: { name: tenant, namespace: tenant },
      to: pods,
      ports: [{ port: RABBITMQ_PORTS.amqp }, { port: RABBITMQ_PORTS.stream }, { port: RABBITMQ_PORTS.management }],
    });
    // clustering: epmd, Erlang distribution, and the management API's aggregation between the nodes
    if (service.replicas > 1)
      this.addFlow({
        from: pods,
        to: pods,
        ports: [
          { port: RABBITMQ_PORTS.epmd },
          { port: RABBITMQ_PORTS.distribution },
          { port: RABBITMQ_PORTS.management },
          { port: RABBITMQ_PORTS.amqp },
        ],
      });
    // peer discovery reads the nodes' Endpoints from the API server
    this.addFlow({ from: pods, to: { peer: 'api-server' } });
    // the operator configures users, plugins and policies through the management API
    this.addFlow({ from: RABBITMQ_OPERATOR_PODS, to: pods, ports: [{ port: RABBITMQ_PORTS.management }] });
    this.addOperatorPods({
      resource: `RabbitmqCluster/${names.cluster}`,
      namespace: tenant,
      labels: { ...pods.labels },
      ports: Object.values(RABBITMQ_PORTS),
    });
    this.addMetrics({ name: `rabbitmq-${pods.name}`, pods, port: RABBITMQ_PORTS.prometheus, job: RABBITMQ_METRICS_JOB });
    this.addAlerts(RABBITMQ_ALERTS);
    this.addDashboard(RABBITMQ_DASHBOARD);
  }
}

/** RabbitMQ by the RabbitMQ Cluster Operator. */
export const RABBITMQ: DataServiceDefinition<RabbitmqServiceConfig> = {
  kind: 'rabbitmq',
  addOperator: (scope, props) => new RabbitmqClusterOperator(scope, 'rabbitmq-cluster-operator', props),
  addInstance: (scope, props) => new RabbitmqInstance(scope, props),
  instanceImages: () => [RABBITMQ_IMAGE, DEFINITIONS_EXPORT_IMAGE],
};
