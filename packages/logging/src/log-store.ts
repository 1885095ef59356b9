import {
  type ChartCatalog,
  Component,
  type CredentialContext,
  HelmChart,
  oidcClientSecretId,
  PLATFORM_NAMESPACES,
  type Pods,
  restrictedContainerSecurityContext,
  restrictedPodSecurityContext,
} from '@ck8s/core';
import { ApiObject } from 'cdk8s';
import type { Construct } from 'constructs';
import { parse, stringify } from 'yaml';
import { applyPoliciesScript, POLICY_FILES } from './apply-policies-script.js';
import { DASHBOARDS_PORT, DASHBOARDS_SERVICE, OPENSEARCH_HTTP_PORT, OPENSEARCH_SERVICE, OPENSEARCH_TRANSPORT_PORT } from './log-store-endpoints.js';
import type { OpenSearchDashboardsValues } from './opensearch-dashboards-values.js';
import type { OpenSearchValues } from './opensearch-values.js';
import { logIndexTemplate, retentionPolicy } from './retention-policy.js';
import {
  DASHBOARDS_SERVER_USER,
  LOG_READER_GROUP,
  LOG_STORE_ADMIN_USER,
  LOG_WRITER_BACKEND_ROLE,
  type LogTenant,
  SNAPSHOT_MONITOR_USER,
  securityConfig,
} from './security-config.js';
import { logStoreAlerts } from './log-store-alerts.js';
import { logStoreDashboard } from './log-store-dashboard.js';
import { logSnapshotAlerts } from './log-snapshot-alerts.js';
import type { ElasticsearchExporterValues } from './snapshot-exporter-values.js';
import { type LogSnapshots, s3ClientSettings, SNAPSHOT_PLUGIN, snapshotPolicy, snapshotRepository } from './snapshot-policy.js';

/** The exporter of the snapshots' state (prometheus-elasticsearch-exporter, with snapshots only): its Deployment, pods and metrics port. */
export const SNAPSHOT_EXPORTER = { name: 'opensearch-snapshot-exporter', port: 9108 } as const;

export interface LogStoreProps {
  readonly catalog: ChartCatalog;
  /** Public hosts of the ingest and API (what every cluster's forwarders write to) and of Dashboards. */
  readonly hosts: { readonly opensearch: string; readonly dashboards: string };
  /** The OIDC issuer people sign in at, e.g. `https://dex.<domain>`. */
  readonly issuer: string;
  /** Claims of the identity token that hold the user name and the groups. @default { username: 'email', groups: 'groups' } */
  readonly claims?: { readonly username: string; readonly groups: string };
  /** Identity-provider groups of the platform operators: all_access. @default none */
  readonly operatorGroups?: readonly string[];
  /** Identity-provider groups whose members read every cluster's application logs (role log_reader). @default [LOG_READER_GROUP] */
  readonly logReaderGroups?: readonly string[];
  /** Identity-provider groups whose members read audit logs and Falco events (role audit_reader). @default none: operators only */
  readonly auditorGroups?: readonly string[];
  /** Tenants of the workload clusters that ship logs here: each one's groups read its namespace's application logs only. @default none */
  readonly tenants?: readonly LogTenant[];
  /** Delete a log index after this many days ... @default 30 */
  readonly retentionDays?: number;
  /** ... or once it holds this much primary data. @default '50gb' */
  readonly retentionSize?: string;
  /** Daily snapshots to object storage, kept as long as the logs. @default none */
  readonly snapshots?: LogSnapshots;
}

/** The sops Secrets of the log store; `keys` are what each must hold. */
export const LOG_STORE_SECRETS = {
  /** `internal_users.yml` of the security plugin: bcrypt hashes only (admin, kibanaserver, one user per forwarder with backend role log-writer). */
  internalUsers: { name: 'opensearch-internal-users', keys: ['internal_users.yml'] },
  /** PEM node certificate (DN LOG_STORE_NODE_DN, SANs of the OpenSearch Services), its PKCS#8 key and the CA that signed it. */
  nodeTls: { name: 'opensearch-node-tls', keys: ['tls.crt', 'tls.key', 'ca.crt'] },
  /** Dashboards' server account (username must be kibanaserver) and the cookie encryption password (at least 32 characters). */
  dashboardsAccount: { name: 'opensearch-dashboards-account', keys: ['username', 'password', 'cookie'] },
  /** Client secret of the `opensearch-dashboards` client at the identity provider. */
  dashboardsOidc: { name: 'opensearch-dashboards-oidc', keys: ['client-secret'] },
  /** S3 keys for snapshots, added to the OpenSearch keystore under their key names. */
  snapshotCredentials: { name: 'opensearch-snapshot-credentials', keys: ['s3.client.default.access_key', 's3.client.default.secret_key'] },
  /** The break-glass admin's password (only its hash is in the internal users): kept for people, read by nothing in the cluster. */
  admin: { name: 'opensearch-admin', keys: ['username', 'password'] },
  /** The snapshot exporter's account (username must be snapshot-monitor; its hash is in the internal users), with snapshots only. */
  snapshotExporterAccount: { name: 'opensearch-snapshot-exporter-account', keys: ['username', 'password'] },
} as const;

/** Subject of the node certificate; the security plugin accepts transport connections from it only. */
export const LOG_STORE_NODE_DN = 'CN=opensearch-node';
/** Subject of a client certificate with administrator rights on the security index (securityadmin.sh). */
export const LOG_STORE_ADMIN_DN = 'CN=opensearch-admin';

/** OIDC client id of Dashboards at the identity provider. */
export const DASHBOARDS_OIDC_CLIENT_ID = 'opensearch-dashboards';
/** Path of Dashboards' OIDC callback (the security plugin's), appended to its public URL. */
export const DASHBOARDS_OIDC_REDIRECT_PATH = '/auth/openid/login';

/** ConfigMap with the index template, the ISM/SM policies and the script that applies them. */
export const LOG_STORE_POLICIES_CONFIGMAP = 'opensearch-policies';

const NAMESPACE = PLATFORM_NAMESPACES.logStore;
const OPENSEARCH_PODS: Pods = { name: 'opensearch', namespace: NAMESPACE, labels: { 'app.kubernetes.io/name': 'opensearch' } };
const DASHBOARDS_PODS: Pods = { name: 'dashboards', namespace: NAMESPACE, labels: { 'app.kubernetes.io/name': 'opensearch-dashboards' } };
const SNAPSHOT_EXPORTER_PODS: Pods = {
  name: 'snapshot-exporter',
  namespace: NAMESPACE,
  labels: { 'app.kubernetes.io/name': 'prometheus-elasticsearch-exporter' },
};

/** The ids under which onboarding shares the passwords whose hashes the internal users hold. */
const SHARED = {
  admin: 'opensearch/admin-password',
  dashboards: 'opensearch/dashboards-password',
  snapshotMonitor: 'opensearch/snapshot-monitor-password',
} as const;

/** Plugin indices only the security plugin's admin may touch (the chart's default list). */
const SYSTEM_INDICES = [
  '.opendistro-alerting-config',
  '.opendistro-alerting-alert*',
  '.opendistro-anomaly-results*',
  '.opendistro-anomaly-detector*',
  '.opendistro-anomaly-checkpoints',
  '.opendistro-anomaly-detection-state',
  '.opendistro-reports-*',
  '.opendistro-notifications-*',
  '.opendistro-notebooks',
  '.opendistro-asynchronous-search-response*',
];

/** Requests and limit of an init container that only copies files. */
const COPY_RESOURCES = { requests: { cpu: '10m', memory: '32Mi' }, limits: { memory: '64Mi' } };

const OPENSEARCH_HOME = '/usr/share/opensearch';
const CERTS_DIR = `${OPENSEARCH_HOME}/config/certs`;
const POLICIES_DIR = `${OPENSEARCH_HOME}/ck8s`;
const DASHBOARDS_CA = '/usr/share/opensearch-dashboards/certs/ca.crt';
const SNAPSHOT_EXPORTER_CA = '/etc/opensearch/ca.crt';

/**
 * The log store of a service cluster (`controllers/opensearch.yaml`): a three-node OpenSearch with
 * the security plugin and TLS on transport and HTTP, and OpenSearch Dashboards with single sign-on
 * through the service cluster's identity provider, both in their own restricted `opensearch`
 * namespace (the forwarder's `logging` namespace needs host access, the log store does not).
 *
 * - Accounts: forwarders authenticate as internal users from a sops Secret and get `log_writer`
 *   (append only, no delete); people log in through OpenID Connect and get `log_reader` by group,
 *   operators `all_access`. See securityConfig.
 * - Retention: the ISM policy `ck8s-retention` (see retentionPolicy) and, with `logging.snapshots`,
 *   daily snapshots to S3 (`ck8s-daily-snapshot`, see snapshotPolicy). Both live in OpenSearch's
 *   own indices, so they are delivered as the ConfigMap `opensearch-policies`, mounted into the
 *   OpenSearch pods with a script an operator runs once after install and after each change
 *   (see applyPoliciesScript). With snapshots, an exporter (prometheus-elasticsearch-exporter,
 *   snapshots collector only) signs in as `snapshot-monitor` and exposes their state for the
 *   platform's LogSnapshotFailed and LogSnapshotMissing alerts.
 * - Pods follow the restricted profile: non-root, no capabilities, no privilege escalation, seccomp
 *   RuntimeDefault; the chart's privileged sysctl and root chown init containers are off. Nodes must
 *   therefore come with `vm.max_map_count=262144` set by the installer (OpenSearch refuses to start
 *   below it).
 * - It serves `opensearch.<domain>` (the ingest every cluster's forwarders write to) and
 *   `opensearch-dashboards.<domain>`, and accepts every cluster's forwarders as log-writer accounts.
 */
export class LogStore extends Component {
  constructor(scope: Construct, id: string, props: LogStoreProps) {
    super(scope, id, { layer: 'controllers' });
    // its own namespace: the log store needs no host access, so it stays restricted (unlike the forwarder's)
    const namespace = NAMESPACE;
    this.addNamespace({ name: namespace });
    const { snapshots, issuer } = props;
    const claims = props.claims ?? { username: 'email', groups: 'groups' };
    const retentionDays = props.retentionDays ?? 30;
    const password = (context: CredentialContext, id: string): string => context.shared(id, () => context.password());

    const secrets = LOG_STORE_SECRETS;
    this.requireSecret({
      namespace,
      ...secrets.internalUsers,
      purpose: 'OpenSearch internal users (bcrypt hashes): admin, kibanaserver and one account per forwarder with backend role log-writer',
      generate: (context) => ({
        'internal_users.yml': stringify({
          _meta: { type: 'internalusers', config_version: 2 },
          [LOG_STORE_ADMIN_USER]: { hash: context.bcrypt(password(context, SHARED.admin)), reserved: true, backend_roles: ['admin'] },
          [DASHBOARDS_SERVER_USER]: { hash: context.bcrypt(password(context, SHARED.dashboards)), reserved: true },
          ...(snapshots ? { [SNAPSHOT_MONITOR_USER]: { hash: context.bcrypt(password(context, SHARED.snapshotMonitor)) } } : {}),
        }),
      }),
    });
    // every cluster's forwarders (Fluent Bit, falcosidekick) get an internal user with the log-writer backend role
    this.acceptAccounts({
      kind: 'log-writer',
      namespace,
      secret: secrets.internalUsers.name,
      key: 'internal_users.yml',
      add: (text, accounts, context) => {
        const users = (parse(text) ?? {}) as Record<string, unknown>;
        for (const a of accounts) users[a.user] = { hash: context.bcrypt(a.password), backend_roles: [LOG_WRITER_BACKEND_ROLE] };
        return stringify(users);
      },
    });
    this.requireSecret({
      namespace,
      ...secrets.admin,
      purpose: `the log store's break-glass admin (${LOG_STORE_ADMIN_USER}) for people; only its hash is in the internal users`,
      optional: true,
      generate: (context) => ({ username: LOG_STORE_ADMIN_USER, password: password(context, SHARED.admin) }),
    });
    this.requireSecret({
      namespace,
      ...secrets.nodeTls,
      purpose: `TLS of the OpenSearch nodes on transport and HTTP (subject ${LOG_STORE_NODE_DN}, SANs ${OPENSEARCH_SERVICE} and ${OPENSEARCH_SERVICE}-headless)`,
      generate: (context) => {
        const names = [OPENSEARCH_SERVICE, `${OPENSEARCH_SERVICE}-headless`].flatMap((s) => [
          s,
          `${s}.${namespace}`,
          `${s}.${namespace}.svc`,
          `${s}.${namespace}.svc.cluster.local`,
        ]);
        return context.tls({
          subject: LOG_STORE_NODE_DN,
          dnsNames: [...names, `*.${OPENSEARCH_SERVICE}-headless.${namespace}.svc.cluster.local`],
          caSubject: `CN=${context.cluster} log store CA`,
        });
      },
    });
    this.requireSecret({
      namespace,
      ...secrets.dashboardsAccount,
      purpose: `OpenSearch Dashboards' server account (username kibanaserver) and cookie password`,
      generate: (context) => ({ username: DASHBOARDS_SERVER_USER, password: password(context, SHARED.dashboards), cookie: context.password(48) }),
    });
    this.requireSecret({
      namespace,
      ...secrets.dashboardsOidc,
      purpose: `client secret of the OIDC client "${DASHBOARDS_OIDC_CLIENT_ID}" at ${issuer}`,
      generate: (context) => ({ 'client-secret': context.shared(oidcClientSecretId(DASHBOARDS_OIDC_CLIENT_ID)) }),
    });
    if (snapshots) {
      this.requireSecret({
        namespace,
        ...secrets.snapshotCredentials,
        purpose: `S3 credentials for log store snapshots in bucket ${snapshots.bucket}`,
        generate: (context) => ({
          's3.client.default.access_key': context.outside('s3-access-key-id'),
          's3.client.default.secret_key': context.outside('s3-secret-access-key'),
        }),
      });
      this.requireSecret({
        namespace,
        ...secrets.snapshotExporterAccount,
        purpose: `the snapshot exporter's account (username ${SNAPSHOT_MONITOR_USER}, role snapshot_monitor: reads snapshot state only)`,
        generate: (context) => ({ username: SNAPSHOT_MONITOR_USER, password: password(context, SHARED.snapshotMonitor) }),
      });
    }

    const policyFiles: Record<string, string> = {
      [POLICY_FILES.indexTemplate]: json(logIndexTemplate()),
      [POLICY_FILES.retentionPolicy]: json(retentionPolicy({ days: retentionDays, size: props.retentionSize ?? '50gb' })),
      [POLICY_FILES.script]: applyPoliciesScript({
        host: OPENSEARCH_SERVICE,
        port: OPENSEARCH_HTTP_PORT,
        caFile: `${CERTS_DIR}/ca.crt`,
        snapshots: snapshots !== undefined,
      }),
    };
    if (snapshots) {
      policyFiles[POLICY_FILES.snapshotRepository] = json(snapshotRepository(snapshots));
      policyFiles[POLICY_FILES.snapshotPolicy] = json(snapshotPolicy(retentionDays, snapshots.schedule));
    }
    new ApiObject(this, 'policies', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: LOG_STORE_POLICIES_CONFIGMAP, namespace },
      data: policyFiles,
    });

    const podSecurityContext = restrictedPodSecurityContext({ runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000 });
    // both write below their home (keystore, optimizer bundles) at start
    const securityContext = restrictedContainerSecurityContext({ runAsUser: 1000, readOnlyRootFilesystem: false });

    const clusterName = 'opensearch-cluster';
    const nodeGroup = 'master';
    const statefulSet = `${clusterName}-${nodeGroup}`;

    const opensearch = new HelmChart<OpenSearchValues>(this, 'opensearch', {
      catalog: props.catalog,
      chart: 'opensearch',
      namespace,
      expects: { workloads: [`StatefulSet/${statefulSet}`] },
      values: {
        clusterName,
        nodeGroup,
        replicas: 3,
        singleNode: false,
        opensearchJavaOpts: '-Xms2g -Xmx2g',
        resources: { requests: { cpu: '1', memory: '4Gi' }, limits: { memory: '4Gi' } },
        // the chart's chown init container runs as root; fsGroup gives the volume to UID 1000 instead
        persistence: { enabled: true, size: '100Gi', enableInitChown: false },
        config: { 'opensearch.yml': opensearchYml(snapshots) },
        // the demo installer would add publicly known certificates and users
        extraEnvs: [{ name: 'DISABLE_INSTALL_DEMO_CONFIG', value: 'true' }],
        secretMounts: [{ name: 'node-tls', secretName: secrets.nodeTls.name, path: CERTS_DIR }],
        extraVolumes: [{ name: 'policies', configMap: { name: LOG_STORE_POLICIES_CONFIGMAP } }],
        extraVolumeMounts: [{ name: 'policies', mountPath: POLICIES_DIR, readOnly: true }],
        podSecurityContext,
        securityContext,
        // the init containers that copy the config files and build the keystore (the chart gives them
        // the securityContext above since 2.35.1); requests as the platform's admission rules ask of every container
        initResources: COPY_RESOURCES,
        // both need privileges; the installer sets vm.max_map_count on the nodes instead
        sysctl: { enabled: false },
        sysctlInit: { enabled: false },
        securityConfig: {
          enabled: true,
          internalUsersSecret: secrets.internalUsers.name,
          config: {
            dataComplete: false,
            data: securityConfig({
              issuer,
              claims,
              operatorGroups: props.operatorGroups ?? [],
              readerGroups: props.logReaderGroups ?? [LOG_READER_GROUP],
              auditorGroups: props.auditorGroups ?? [],
              tenants: props.tenants ?? [],
              snapshotMonitor: snapshots !== undefined,
            }),
          },
        },
        keystore: snapshots ? [{ secretName: secrets.snapshotCredentials.name }] : [],
        // the image does not bundle the S3 repository type the snapshots need
        plugins: { enabled: snapshots !== undefined, installList: snapshots ? [SNAPSHOT_PLUGIN] : [] },
        rbac: { create: false, automountServiceAccountToken: false },
        // Ingress and Certificate are derived from the endpoints this component declares
        ingress: { enabled: false },
        serviceMonitor: { enabled: false },
      },
    });

    new HelmChart<OpenSearchDashboardsValues>(this, 'dashboards', {
      catalog: props.catalog,
      chart: 'opensearch-dashboards',
      namespace,
      expects: { workloads: ['Deployment/opensearch-dashboards'] },
      dependsOn: [{ name: opensearch.releaseName, namespace }],
      values: {
        replicaCount: 2,
        opensearchHosts: `https://${OPENSEARCH_SERVICE}:${OPENSEARCH_HTTP_PORT}`,
        opensearchAccount: { secret: secrets.dashboardsAccount.name, keyPassphrase: { enabled: false } },
        config: { 'opensearch_dashboards.yml': dashboardsYml({ identity: issuer, host: props.hosts.dashboards }) },
        extraEnvs: [{ name: 'OIDC_CLIENT_SECRET', valueFrom: { secretKeyRef: { name: secrets.dashboardsOidc.name, key: 'client-secret' } } }],
        // the CA only, never the node's private key
        secretMounts: [{ name: 'opensearch-ca', secretName: secrets.nodeTls.name, path: DASHBOARDS_CA, subPath: 'ca.crt' }],
        podSecurityContext,
        securityContext,
        resources: { requests: { cpu: '100m', memory: '512Mi' }, limits: { memory: '1Gi' } },
        ingress: { enabled: false },
        // Dashboards never calls the Kubernetes API: no token in its pods (a key since chart 3.6.0)
        serviceAccount: { create: true, automountServiceAccountToken: false },
        rbac: { create: false },
      },
    });

    // OpenSearch only speaks TLS (the security plugin's HTTP TLS is on), so its Ingress talks HTTPS to it
    this.addEndpoint({
      name: 'opensearch',
      host: props.hosts.opensearch,
      pods: OPENSEARCH_PODS,
      service: { name: OPENSEARCH_SERVICE, port: OPENSEARCH_HTTP_PORT },
      backendProtocol: 'HTTPS',
    });
    this.addEndpoint({
      name: 'opensearch-dashboards',
      host: props.hosts.dashboards,
      pods: DASHBOARDS_PODS,
      service: { name: DASHBOARDS_SERVICE, port: DASHBOARDS_PORT },
    });
    this.addOidcClient({
      id: DASHBOARDS_OIDC_CLIENT_ID,
      name: 'OpenSearch Dashboards',
      redirectURIs: [`https://${props.hosts.dashboards}${DASHBOARDS_OIDC_REDIRECT_PATH}`],
    });
    if (snapshots) this.snapshotExporter(props.catalog, opensearch.releaseName);
    this.addFlow({ from: DASHBOARDS_PODS, to: OPENSEARCH_PODS, ports: [{ port: OPENSEARCH_HTTP_PORT }] });
    // the nodes form one cluster over the transport port
    this.addFlow({ from: OPENSEARCH_PODS, to: OPENSEARCH_PODS, ports: [{ port: OPENSEARCH_TRANSPORT_PORT }] });
    // the openid auth domain fetches the identity provider's signing keys to verify tokens; Dashboards signs people in
    this.addFlow({ from: OPENSEARCH_PODS, to: { peer: 'identity-provider' } });
    this.addFlow({ from: DASHBOARDS_PODS, to: { peer: 'identity-provider' } });
    if (snapshots) {
      this.addFlow({ from: OPENSEARCH_PODS, to: { peer: 'object-storage', endpoint: snapshots.endpoint } });
      this.addFlow({
        from: OPENSEARCH_PODS,
        to: {
          peer: 'internet',
          reason: `opensearch-plugin installs ${SNAPSHOT_PLUGIN} from artifacts.opensearch.org at every start (the image does not bundle it)`,
        },
        ports: [{ port: 443 }],
        name: 'allow-plugin-download',
      });
    }
  }

  /**
   * The exporter whose snapshots collector turns `GET _snapshot/<repository>/_all` into metrics (state,
   * failures and start time of the newest snapshot, start of the newest successful one), for the
   * platform's snapshot alerts. It signs in as SNAPSHOT_MONITOR_USER, which may read cluster health
   * and list snapshots only, and verifies the nodes' certificate with their CA (never their key).
   */
  private snapshotExporter(catalog: ChartCatalog, opensearchRelease: string): void {
    const account = LOG_STORE_SECRETS.snapshotExporterAccount.name;
    new HelmChart<ElasticsearchExporterValues>(this, 'snapshot-exporter', {
      catalog,
      chart: 'prometheus-elasticsearch-exporter',
      releaseName: SNAPSHOT_EXPORTER.name,
      namespace: NAMESPACE,
      expects: { workloads: [`Deployment/${SNAPSHOT_EXPORTER.name}`] },
      dependsOn: [{ name: opensearchRelease, namespace: NAMESPACE }],
      values: {
        fullnameOverride: SNAPSHOT_EXPORTER.name,
        replicaCount: 1,
        es: {
          uri: `https://${OPENSEARCH_SERVICE}:${OPENSEARCH_HTTP_PORT}`,
          // every node's stats (disks for the watermark alert): cluster_monitor; the collectors of
          // indices and shards would need read rights on the log indices: off
          all: true,
          indices: false,
          indices_settings: false,
          indices_mappings: false,
          shards: false,
          snapshots: true,
          ssl: { enabled: true, useExistingSecrets: true, ca: { path: SNAPSHOT_EXPORTER_CA }, client: { enabled: false } },
        },
        extraEnvSecrets: { ES_USERNAME: { secret: account, key: 'username' }, ES_PASSWORD: { secret: account, key: 'password' } },
        // the CA only, never the node's private key
        secretMounts: [{ name: 'opensearch-ca', secretName: LOG_STORE_SECRETS.nodeTls.name, path: SNAPSHOT_EXPORTER_CA, subPath: 'ca.crt' }],
        podSecurityContext: restrictedPodSecurityContext({ runAsUser: 1000, runAsGroup: 1000 }),
        securityContext: restrictedContainerSecurityContext({ runAsUser: 1000, runAsGroup: 1000 }),
        resources: { requests: { cpu: '10m', memory: '32Mi' }, limits: { memory: '64Mi' } },
        // it never calls the Kubernetes API: no token in its pod
        serviceAccount: { create: true, name: SNAPSHOT_EXPORTER.name, automountServiceAccountToken: false },
        // scraped through the platform's own metrics declaration below
        serviceMonitor: { enabled: false },
      },
    });
    this.addFlow({ from: SNAPSHOT_EXPORTER_PODS, to: OPENSEARCH_PODS, ports: [{ port: OPENSEARCH_HTTP_PORT }] });
    this.addMetrics({ name: SNAPSHOT_EXPORTER.name, pods: SNAPSHOT_EXPORTER_PODS, port: SNAPSHOT_EXPORTER.port });
    // the same exporter reports the cluster's health and every node's disks (cluster_monitor reads both)
    this.addAlerts(logStoreAlerts(SNAPSHOT_EXPORTER.name));
    this.addAlerts(logSnapshotAlerts(SNAPSHOT_EXPORTER.name));
    this.addDashboard(logStoreDashboard(SNAPSHOT_EXPORTER.name));
  }
}

/** opensearch.yml: the security plugin with the node certificate on transport and HTTP, S3 client settings for snapshots. */
function opensearchYml(snapshots: LogSnapshots | undefined): string {
  const certs = { pemcert_filepath: 'certs/tls.crt', pemkey_filepath: 'certs/tls.key', pemtrustedcas_filepath: 'certs/ca.crt' };
  const settings = {
    'network.host': '0.0.0.0',
    'plugins.security.ssl.transport': { ...certs, enforce_hostname_verification: false },
    'plugins.security.ssl.http': { enabled: true, ...certs },
    'plugins.security.allow_unsafe_democertificates': false,
    // loads the mounted security configuration into the security index on first start
    'plugins.security.allow_default_init_securityindex': true,
    'plugins.security.nodes_dn': [LOG_STORE_NODE_DN],
    'plugins.security.authcz.admin_dn': [LOG_STORE_ADMIN_DN],
    'plugins.security.audit.type': 'internal_opensearch',
    'plugins.security.enable_snapshot_restore_privilege': true,
    'plugins.security.check_snapshot_restore_write_privileges': true,
    'plugins.security.restapi.roles_enabled': ['all_access'],
    'plugins.security.system_indices.enabled': true,
    'plugins.security.system_indices.indices': SYSTEM_INDICES,
    ...(snapshots ? s3ClientSettings(snapshots) : {}),
  };
  return stringify(settings, { lineWidth: 0 });
}

/** opensearch_dashboards.yml: OpenID Connect through the identity provider, verified TLS to OpenSearch. */
function dashboardsYml(props: { identity: string; host: string }): string {
  const settings = {
    'server.host': '0.0.0.0',
    'opensearch.ssl.verificationMode': 'full',
    'opensearch.ssl.certificateAuthorities': [DASHBOARDS_CA],
    // the token reaches OpenSearch in this header, where the openid auth domain verifies it
    'opensearch.requestHeadersAllowlist': ['authorization', 'securitytenant'],
    'opensearch_security.auth.type': 'openid',
    'opensearch_security.openid.connect_url': `${props.identity}/.well-known/openid-configuration`,
    'opensearch_security.openid.client_id': DASHBOARDS_OIDC_CLIENT_ID,
    // Dashboards expands ${VAR} from its environment: the secrets never appear in this file
    'opensearch_security.openid.client_secret': '${OIDC_CLIENT_SECRET}',
    'opensearch_security.openid.scope': 'openid profile email groups',
    'opensearch_security.openid.base_redirect_url': `https://${props.host}`,
    'opensearch_security.cookie.secure': true,
    'opensearch_security.cookie.password': '${COOKIE_PASS}',
    'opensearch_security.multitenancy.enabled': false,
  };
  return stringify(settings, { lineWidth: 0 });
}

function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}
