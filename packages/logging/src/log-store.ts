import {
  type ChartCatalog,
  type ClusterConfig,
  Component,
  ConfigError,
  type Fleet,
  HelmChart,
  NetworkAllow,
  type NetworkPeer,
  HardenedNamespace,
  PLATFORM_NAMESPACES,
  serviceClusterPeer,
  serviceEndpoints,
} from '@ck8s/core';
import { ApiObject } from 'cdk8s';
import type { Construct } from 'constructs';
import { stringify } from 'yaml';
import { applyPoliciesScript, POLICY_FILES } from './apply-policies-script.js';
import {
  DASHBOARDS_PORT,
  type LogStoreEndpoint,
  logStoreEndpoints,
  OPENSEARCH_HTTP_PORT,
  OPENSEARCH_SERVICE,
  OPENSEARCH_TRANSPORT_PORT,
} from './log-store-endpoints.js';
import type { OpenSearchDashboardsValues } from './opensearch-dashboards-values.js';
import type { OpenSearchValues } from './opensearch-values.js';
import { logIndexTemplate, retentionPolicy } from './retention-policy.js';
import { LOG_READER_GROUP, securityConfig } from './security-config.js';
import { s3ClientSettings, snapshotPolicy, snapshotRepository } from './snapshot-policy.js';

export interface LogStoreProps {
  /** A service cluster. */
  readonly cluster: ClusterConfig;
  readonly fleet: Fleet;
  readonly catalog: ChartCatalog;
  /** Pod Security Standards version of the `opensearch` namespace, e.g. `v1.33`. @default 'latest' */
  readonly podSecurityVersion?: string;
  /** Identity-provider groups whose members read logs (role log_reader). @default [LOG_READER_GROUP] */
  readonly logReaderGroups?: readonly string[];
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
} as const;

/** Subject of the node certificate; the security plugin accepts transport connections from it only. */
export const LOG_STORE_NODE_DN = 'CN=opensearch-node';
/** Subject of a client certificate with administrator rights on the security index (securityadmin.sh). */
export const LOG_STORE_ADMIN_DN = 'CN=opensearch-admin';

/** OIDC client id of Dashboards at the identity provider. */
export const DASHBOARDS_OIDC_CLIENT_ID = 'opensearch-dashboards';

/** ConfigMap with the index template, the ISM/SM policies and the script that applies them. */
export const LOG_STORE_POLICIES_CONFIGMAP = 'opensearch-policies';

const OPENSEARCH_PODS = { 'app.kubernetes.io/name': 'opensearch' };
const DASHBOARDS_PODS = { 'app.kubernetes.io/name': 'opensearch-dashboards' };
/** The ingress-nginx controller pods, as that chart labels them. */
const INGRESS_CONTROLLER: NetworkPeer = {
  namespace: PLATFORM_NAMESPACES.ingress,
  podLabels: { 'app.kubernetes.io/name': 'ingress-nginx', 'app.kubernetes.io/component': 'controller' },
};

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

const OPENSEARCH_HOME = '/usr/share/opensearch';
const CERTS_DIR = `${OPENSEARCH_HOME}/config/certs`;
const POLICIES_DIR = `${OPENSEARCH_HOME}/ck8s`;
const DASHBOARDS_CA = '/usr/share/opensearch-dashboards/certs/ca.crt';

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
 *   (see applyPoliciesScript).
 * - Pods follow the restricted profile: non-root, no capabilities, no privilege escalation, seccomp
 *   RuntimeDefault; the chart's privileged sysctl and root chown init containers are off. Nodes must
 *   therefore come with `vm.max_map_count=262144` set by the installer (OpenSearch refuses to start
 *   below it).
 * - Certificates and Ingresses of its endpoints are the caller's: see `endpoints`.
 *
 * @throws Error when the cluster is not a service cluster
 * @throws ConfigError when snapshots are configured without `network.objectStorageCidrs`, or the
 *   identity provider is out of reach because `network.serviceClusterCidrs` is empty
 */
export class LogStore extends Component {
  /** The endpoints this component serves; the caller creates their Certificates and Ingresses. */
  public readonly endpoints: readonly LogStoreEndpoint[];

  constructor(scope: Construct, id: string, props: LogStoreProps) {
    const { cluster } = props;
    if (cluster.profile !== 'service') {
      throw new Error(`log store: cluster "${cluster.name}" has profile "${cluster.profile}"; OpenSearch runs in service clusters only, workload clusters ship their logs there`);
    }
    super(scope, id, { layer: 'controllers' });
    // its own namespace: the log store needs no host access, so it stays restricted (unlike the forwarder's)
    const namespace = PLATFORM_NAMESPACES.logStore;
    new HardenedNamespace(this, 'namespace', { name: namespace, ...(props.podSecurityVersion ? { podSecurityVersion: props.podSecurityVersion } : {}) });
    const snapshots = cluster.logging.snapshots;
    const identity = serviceEndpoints(cluster.domain).identity;
    const toIdentityProvider = serviceClusterPeer(cluster, 'opensearch (single sign-on)');
    const toObjectStorage = snapshots ? objectStoragePeer(cluster, snapshots.endpoint) : undefined;
    this.endpoints = logStoreEndpoints(cluster);
    const dashboardsHost = this.endpoints.find((e) => e.name === 'opensearch-dashboards')!.host;

    const secrets = LOG_STORE_SECRETS;
    this.requireSecret({ namespace, ...secrets.internalUsers, purpose: 'OpenSearch internal users (bcrypt hashes): admin, kibanaserver and one account per forwarder with backend role log-writer' });
    this.requireSecret({ namespace, ...secrets.nodeTls, purpose: `TLS of the OpenSearch nodes on transport and HTTP (subject ${LOG_STORE_NODE_DN}, SANs ${OPENSEARCH_SERVICE} and ${OPENSEARCH_SERVICE}-headless)` });
    this.requireSecret({ namespace, ...secrets.dashboardsAccount, purpose: `OpenSearch Dashboards' server account (username kibanaserver) and cookie password` });
    this.requireSecret({ namespace, ...secrets.dashboardsOidc, purpose: `client secret of the OIDC client "${DASHBOARDS_OIDC_CLIENT_ID}" at ${identity}` });
    if (snapshots) {
      this.requireSecret({ namespace, ...secrets.snapshotCredentials, purpose: `S3 credentials for log store snapshots in bucket ${snapshots.bucket}` });
    }

    const policyFiles: Record<string, string> = {
      [POLICY_FILES.indexTemplate]: json(logIndexTemplate()),
      [POLICY_FILES.retentionPolicy]: json(retentionPolicy(cluster)),
      [POLICY_FILES.script]: applyPoliciesScript({ host: OPENSEARCH_SERVICE, port: OPENSEARCH_HTTP_PORT, caFile: `${CERTS_DIR}/ca.crt`, snapshots: snapshots !== undefined }),
    };
    const repository = snapshotRepository(cluster);
    const smPolicy = snapshotPolicy(cluster);
    if (repository && smPolicy) {
      policyFiles[POLICY_FILES.snapshotRepository] = json(repository);
      policyFiles[POLICY_FILES.snapshotPolicy] = json(smPolicy);
    }
    new ApiObject(this, 'policies', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: LOG_STORE_POLICIES_CONFIGMAP, namespace },
      data: policyFiles,
    });

    const podSecurityContext = { runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000, seccompProfile: { type: 'RuntimeDefault' } };
    const securityContext = {
      runAsNonRoot: true,
      runAsUser: 1000,
      privileged: false,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
      // both write below their home (keystore, optimizer bundles) at start
      readOnlyRootFilesystem: false,
    };

    const opensearch = new HelmChart<OpenSearchValues>(this, 'opensearch', {
      catalog: props.catalog,
      chart: 'opensearch',
      namespace,
      values: {
        clusterName: 'opensearch-cluster',
        nodeGroup: 'master',
        replicas: 3,
        singleNode: false,
        opensearchJavaOpts: '-Xms2g -Xmx2g',
        resources: { requests: { cpu: '1', memory: '4Gi' }, limits: { memory: '4Gi' } },
        // the chart's chown init container runs as root; fsGroup gives the volume to UID 1000 instead
        persistence: { enabled: true, size: '100Gi', enableInitChown: false },
        config: { 'opensearch.yml': opensearchYml(cluster) },
        // the demo installer would add publicly known certificates and users
        extraEnvs: [{ name: 'DISABLE_INSTALL_DEMO_CONFIG', value: 'true' }],
        secretMounts: [{ name: 'node-tls', secretName: secrets.nodeTls.name, path: CERTS_DIR }],
        extraVolumes: [{ name: 'policies', configMap: { name: LOG_STORE_POLICIES_CONFIGMAP } }],
        extraVolumeMounts: [{ name: 'policies', mountPath: POLICIES_DIR, readOnly: true }],
        podSecurityContext,
        securityContext,
        // both need privileges; the installer sets vm.max_map_count on the nodes instead
        sysctl: { enabled: false },
        sysctlInit: { enabled: false },
        securityConfig: {
          enabled: true,
          internalUsersSecret: secrets.internalUsers.name,
          config: { dataComplete: false, data: securityConfig({ cluster, readerGroups: props.logReaderGroups ?? [LOG_READER_GROUP] }) },
        },
        // chart versions before the 2.x backport of opensearch-project/helm-charts#688 give the keystore
        // init container no securityContext: the namespace's restricted warn/audit labels then report it
        keystore: snapshots ? [{ secretName: secrets.snapshotCredentials.name }] : [],
        rbac: { create: false, automountServiceAccountToken: false },
        // Ingress and Certificate come from the caller (endpoints)
        ingress: { enabled: false },
        serviceMonitor: { enabled: false },
      },
    });

    new HelmChart<OpenSearchDashboardsValues>(this, 'dashboards', {
      catalog: props.catalog,
      chart: 'opensearch-dashboards',
      namespace,
      dependsOn: [{ name: opensearch.release.name, namespace }],
      values: {
        replicaCount: 2,
        opensearchHosts: `https://${OPENSEARCH_SERVICE}:${OPENSEARCH_HTTP_PORT}`,
        opensearchAccount: { secret: secrets.dashboardsAccount.name, keyPassphrase: { enabled: false } },
        config: { 'opensearch_dashboards.yml': dashboardsYml({ identity, host: dashboardsHost }) },
        extraEnvs: [{ name: 'OIDC_CLIENT_SECRET', valueFrom: { secretKeyRef: { name: secrets.dashboardsOidc.name, key: 'client-secret' } } }],
        // the CA only, never the node's private key
        secretMounts: [{ name: 'opensearch-ca', secretName: secrets.nodeTls.name, path: DASHBOARDS_CA, subPath: 'ca.crt' }],
        podSecurityContext,
        securityContext,
        resources: { requests: { cpu: '100m', memory: '512Mi' }, limits: { memory: '1Gi' } },
        ingress: { enabled: false },
        serviceAccount: { create: true },
        rbac: { create: false },
      },
    });

    const os = OPENSEARCH_PODS;
    const osd = DASHBOARDS_PODS;
    const http = [{ port: OPENSEARCH_HTTP_PORT }];
    const transport = [{ port: OPENSEARCH_TRANSPORT_PORT }];
    new NetworkAllow(this, 'opensearch-from-ingress', { namespace, name: 'allow-opensearch-from-ingress', direction: 'ingress', podLabels: os, peers: [INGRESS_CONTROLLER], ports: http });
    new NetworkAllow(this, 'opensearch-from-dashboards', { namespace, name: 'allow-opensearch-from-dashboards', direction: 'ingress', podLabels: os, peers: [{ namespace, podLabels: osd }], ports: http });
    // the nodes form one cluster over the transport port
    new NetworkAllow(this, 'transport-in', { namespace, name: 'allow-opensearch-transport-from-nodes', direction: 'ingress', podLabels: os, peers: [{ namespace, podLabels: os }], ports: transport });
    new NetworkAllow(this, 'transport-out', { namespace, name: 'allow-opensearch-transport-to-nodes', direction: 'egress', podLabels: os, peers: [{ namespace, podLabels: os }], ports: transport });
    // the openid auth domain fetches the identity provider's signing keys to verify tokens
    new NetworkAllow(this, 'opensearch-to-idp', { namespace, name: 'allow-opensearch-to-identity-provider', direction: 'egress', podLabels: os, ...toIdentityProvider });
    if (toObjectStorage) {
      new NetworkAllow(this, 'opensearch-to-object-storage', { namespace, name: 'allow-opensearch-to-object-storage', direction: 'egress', podLabels: os, ...toObjectStorage });
    }
    new NetworkAllow(this, 'dashboards-from-ingress', { namespace, name: 'allow-dashboards-from-ingress', direction: 'ingress', podLabels: osd, peers: [INGRESS_CONTROLLER], ports: [{ port: DASHBOARDS_PORT }] });
    new NetworkAllow(this, 'dashboards-to-opensearch', { namespace, name: 'allow-dashboards-to-opensearch', direction: 'egress', podLabels: osd, peers: [{ namespace, podLabels: os }], ports: http });
    // the identity provider is served by this cluster's own ingress
    new NetworkAllow(this, 'dashboards-to-idp', { namespace, name: 'allow-dashboards-to-identity-provider', direction: 'egress', podLabels: osd, ...toIdentityProvider });
  }
}

/** Object storage as an egress peer: the configured CIDRs on the endpoint's port. */
function objectStoragePeer(cluster: ClusterConfig, endpoint: string): { peers: NetworkPeer[]; ports: { port: number }[] } {
  const cidrs = cluster.network.objectStorageCidrs;
  if (cidrs.length === 0) {
    throw new ConfigError([
      {
        file: `clusters/${cluster.name}/cluster.yaml`,
        path: 'network.objectStorageCidrs',
        message: `is required when logging.snapshots is set: the log store sends snapshots to ${endpoint} (set its addresses), or remove logging.snapshots`,
      },
    ]);
  }
  const url = new URL(endpoint);
  return { peers: [{ cidrs }], ports: [{ port: url.port ? Number(url.port) : 443 }] };
}

/** opensearch.yml: the security plugin with the node certificate on transport and HTTP, S3 client settings for snapshots. */
function opensearchYml(cluster: ClusterConfig): string {
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
    ...(cluster.logging.snapshots ? s3ClientSettings(cluster.logging.snapshots) : {}),
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
