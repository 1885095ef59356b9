import { stringify } from 'yaml';
import { LOG_INDEX_PATTERNS } from './log-indices.js';

/** Role of the forwarders' accounts: append to log indices, nothing else. */
export const LOG_WRITER_ROLE = 'log_writer';
/** Role of the people who read every cluster's application logs in Dashboards. */
export const LOG_READER_ROLE = 'log_reader';
/** Role of the people who read the evidence: API server audit logs and Falco events (besides the operators). */
export const AUDIT_READER_ROLE = 'audit_reader';

/** Index patterns of the application logs (`app-<cluster>-<day>`): the only logs tenants and log readers see. */
export const APP_LOG_INDEX_PATTERNS: readonly string[] = ['app-*'];
/** Index patterns of the evidence: audit logs and Falco events, for operators and auditors only. */
export const AUDIT_LOG_INDEX_PATTERNS: readonly string[] = ['audit-*', 'falco*'];

/**
 * Fields of an application log record that say where it comes from: the `cluster` Fluent Bit's
 * record_modifier sets and the namespace its kubernetes filter adds (a pod's own JSON is merged
 * under `log_processed`, so it cannot set either). Exact values are matched on the `.keyword`
 * sub-fields OpenSearch's dynamic mapping gives strings.
 */
export const LOG_SOURCE_FIELDS = { cluster: 'cluster.keyword', namespace: 'kubernetes.namespace_name.keyword' } as const;

/**
 * Backend role that maps internal users to `log_writer`. Every forwarder account (Fluent Bit of
 * each cluster, falcosidekick) is an entry of internal_users.yml with `backend_roles: [log-writer]`,
 * so adding a cluster needs no change here and no user name appears in git.
 */
export const LOG_WRITER_BACKEND_ROLE = 'log-writer';

/** Identity-provider group whose members get `log_reader`, unless the component is told otherwise. */
export const LOG_READER_GROUP = 'log-readers';

/** Internal user of OpenSearch Dashboards' server (role kibana_server); the account Secret must use this name. */
export const DASHBOARDS_SERVER_USER = 'kibanaserver';

/** Internal break-glass user with all_access, e.g. to apply the policies; defined in internal_users.yml. */
export const LOG_STORE_ADMIN_USER = 'admin';
/** Internal user of the snapshot exporter (role SNAPSHOT_MONITOR_ROLE); the account Secret must use this name. */
export const SNAPSHOT_MONITOR_USER = 'snapshot-monitor';
/** Role of the snapshot exporter: cluster health and node stats, list repositories and snapshots; nothing on any index. */
export const SNAPSHOT_MONITOR_ROLE = 'snapshot_monitor';
/**
 * What the exporter calls: GET / and _cluster/health, _nodes/_local/stats (cluster_monitor), GET
 * _snapshot and GET _snapshot/<repository>/_all. No create, delete or restore of a snapshot.
 */
export const SNAPSHOT_MONITOR_CLUSTER_ACTIONS: readonly string[] = ['cluster_monitor', 'cluster:admin/repository/get', 'cluster:admin/snapshot/get'];

/**
 * Exactly what a forwarder may do on a log index: create the day's index, extend its mapping and add
 * documents. No read, no update, no delete action and no action group (`crud`, `write`) that
 * contains one, so a stolen forwarder credential cannot erase evidence.
 */
export const LOG_WRITER_INDEX_ACTIONS: readonly string[] = [
  'indices:data/write/index',
  'indices:data/write/bulk*',
  'indices:admin/create',
  'indices:admin/mapping/put',
];

/** Read actions of `log_reader`: search and the metadata Dashboards needs for index patterns. */
export const LOG_READER_INDEX_ACTIONS: readonly string[] = ['read', 'indices:admin/mappings/get', 'indices:admin/resolve/index'];

/** A tenant of a workload cluster, whose groups read that namespace's application logs of that cluster only. */
export interface LogTenant {
  /** The workload cluster. */
  readonly cluster: string;
  /** The tenant's namespace (its name). */
  readonly namespace: string;
  /** Identity-provider groups of the tenant (its adminGroups and viewGroups). */
  readonly groups: readonly string[];
}

/** The role name of a tenant's log readers, e.g. `tenant_demo-wc_team-a`. */
export function tenantLogRole(tenant: Pick<LogTenant, 'cluster' | 'namespace'>): string {
  return `tenant_${tenant.cluster}_${tenant.namespace}`;
}

export interface SecurityConfigProps {
  /** The OIDC issuer people sign in at. */
  readonly issuer: string;
  /** Claims of the identity token that hold the user name and the groups. */
  readonly claims: { readonly username: string; readonly groups: string };
  /** Identity-provider groups of the platform operators: all_access. */
  readonly operatorGroups: readonly string[];
  /** Identity-provider groups mapped to log_reader: every cluster's application logs. */
  readonly readerGroups: readonly string[];
  /** Identity-provider groups mapped to audit_reader: audit logs and Falco events. @default none (operators only) */
  readonly auditorGroups?: readonly string[];
  /** The tenants of the workload clusters that ship logs here, each reading its own namespace's application logs. @default none */
  readonly tenants?: readonly LogTenant[];
  /** Whether the snapshot exporter's internal user gets SNAPSHOT_MONITOR_ROLE (with snapshots). @default false */
  readonly snapshotMonitor?: boolean;
}

/**
 * The security plugin's configuration files the platform owns (keys of the chart's
 * `securityConfig.config.data`): authentication (`config.yml`), roles (`roles.yml`) and role
 * mappings (`roles_mapping.yml`). `internal_users.yml` is not among them: it holds password hashes
 * and comes from a sops Secret. The other files keep the image's defaults.
 */
export function securityConfig(props: SecurityConfigProps): Record<'config.yml' | 'roles.yml' | 'roles_mapping.yml', string> {
  return {
    'config.yml': yaml(securityConfigFile(props)),
    'roles.yml': yaml(securityRoles(props.tenants ?? [], props.snapshotMonitor ?? false)),
    'roles_mapping.yml': yaml(securityRoleMappings(props)),
  };
}

/** `config.yml`: internal users with basic auth (forwarders, Dashboards' server), people through OpenID Connect. */
export function securityConfigFile(props: Pick<SecurityConfigProps, 'issuer' | 'claims'>): Record<string, unknown> {
  return {
    _meta: { type: 'config', config_version: 2 },
    config: {
      dynamic: {
        http: { anonymous_auth_enabled: false },
        authc: {
          basic_internal_auth_domain: {
            description: 'forwarders and the Dashboards server with internal users',
            http_enabled: true,
            transport_enabled: true,
            order: 0,
            // no challenge: browsers are sent to the identity provider, not to a basic-auth prompt
            http_authenticator: { type: 'basic', challenge: false },
            authentication_backend: { type: 'intern' },
          },
          openid_auth_domain: {
            description: "people through the service cluster's identity provider",
            http_enabled: true,
            transport_enabled: true,
            order: 1,
            http_authenticator: {
              type: 'openid',
              challenge: false,
              config: {
                subject_key: props.claims.username,
                roles_key: props.claims.groups,
                openid_connect_url: `${props.issuer}/.well-known/openid-configuration`,
              },
            },
            authentication_backend: { type: 'noop' },
          },
        },
      },
    },
  };
}

/**
 * `roles.yml`: log_writer (append only, every log index), log_reader (read every application log),
 * audit_reader (read audit logs and Falco events), and one read-only role per tenant: its cluster's
 * application log indices, with document-level security that keeps the documents of its namespace
 * in that cluster only (DLS is applied by the log store to every search, aggregation and get).
 */
export function securityRoles(tenants: readonly LogTenant[] = [], snapshotMonitor = false): Record<string, unknown> {
  return {
    _meta: { type: 'roles', config_version: 2 },
    [LOG_WRITER_ROLE]: {
      description: 'forwarders: create daily log indices and append documents; never read, update or delete',
      // a _bulk request is authorized at cluster level first, then per index
      cluster_permissions: ['indices:data/write/bulk'],
      index_permissions: [{ index_patterns: [...LOG_INDEX_PATTERNS], allowed_actions: [...LOG_WRITER_INDEX_ACTIONS] }],
    },
    [LOG_READER_ROLE]: {
      description: "people: search every cluster's application logs (not the audit logs or Falco events)",
      cluster_permissions: ['cluster_composite_ops_ro'],
      index_permissions: [{ index_patterns: [...APP_LOG_INDEX_PATTERNS], allowed_actions: [...LOG_READER_INDEX_ACTIONS] }],
    },
    [AUDIT_READER_ROLE]: {
      description: 'auditors: search the API server audit logs and Falco events',
      cluster_permissions: ['cluster_composite_ops_ro'],
      index_permissions: [{ index_patterns: [...AUDIT_LOG_INDEX_PATTERNS], allowed_actions: [...LOG_READER_INDEX_ACTIONS] }],
    },
    ...Object.fromEntries(
      sortedTenants(tenants).map((t) => [
        tenantLogRole(t),
        {
          description: `tenant ${t.namespace} of ${t.cluster}: search its namespace's application logs of that cluster only`,
          cluster_permissions: ['cluster_composite_ops_ro'],
          index_permissions: [
            {
              index_patterns: [`app-${t.cluster}-*`],
              // the index pattern alone would also match a cluster named `<cluster>-x`: the cluster is in the query too
              dls: JSON.stringify({
                bool: { filter: [{ term: { [LOG_SOURCE_FIELDS.cluster]: t.cluster } }, { term: { [LOG_SOURCE_FIELDS.namespace]: t.namespace } }] },
              }),
              allowed_actions: [...LOG_READER_INDEX_ACTIONS],
            },
          ],
        },
      ]),
    ),
    ...(snapshotMonitor
      ? {
          [SNAPSHOT_MONITOR_ROLE]: {
            description: 'the snapshot exporter: list snapshot repositories and snapshots, cluster health',
            cluster_permissions: [...SNAPSHOT_MONITOR_CLUSTER_ACTIONS],
          },
        }
      : {}),
  };
}

function sortedTenants(tenants: readonly LogTenant[]): LogTenant[] {
  // by code point, not locale: the same bytes on every machine
  return [...tenants].sort((a, b) => (tenantLogRole(a) < tenantLogRole(b) ? -1 : tenantLogRole(a) > tenantLogRole(b) ? 1 : 0));
}

/**
 * `roles_mapping.yml`: operators get all_access, readers log_reader, auditors audit_reader, each
 * tenant's groups its own role, forwarders log_writer.
 */
export function securityRoleMappings(
  props: Pick<SecurityConfigProps, 'operatorGroups' | 'readerGroups' | 'auditorGroups' | 'tenants' | 'snapshotMonitor'>,
): Record<string, unknown> {
  const operators = props.operatorGroups;
  const auditors = props.auditorGroups ?? [];
  const tenants = sortedTenants(props.tenants ?? []);
  const people = [...new Set([...props.readerGroups, ...auditors, ...tenants.flatMap((t) => t.groups), ...operators])].sort();
  return {
    _meta: { type: 'rolesmapping', config_version: 2 },
    all_access: {
      reserved: false,
      backend_roles: [...operators],
      users: [LOG_STORE_ADMIN_USER],
      description: 'platform operators and the break-glass admin',
    },
    kibana_server: { reserved: true, users: [DASHBOARDS_SERVER_USER], description: "OpenSearch Dashboards' server" },
    // kibana_user lets people use Dashboards itself (saved objects); what they see is decided by the roles below
    kibana_user: { reserved: false, backend_roles: people, description: 'people who use Dashboards' },
    [LOG_READER_ROLE]: { reserved: false, backend_roles: [...props.readerGroups], description: "people who read every cluster's application logs" },
    [AUDIT_READER_ROLE]: { reserved: false, backend_roles: [...auditors], description: 'auditors: audit logs and Falco events' },
    ...Object.fromEntries(
      tenants.map((t) => [
        tenantLogRole(t),
        { reserved: false, backend_roles: [...t.groups].sort(), description: `tenant ${t.namespace} of ${t.cluster}` },
      ]),
    ),
    [LOG_WRITER_ROLE]: { reserved: false, backend_roles: [LOG_WRITER_BACKEND_ROLE], description: 'forwarder accounts' },
    ...(props.snapshotMonitor
      ? { [SNAPSHOT_MONITOR_ROLE]: { reserved: false, users: [SNAPSHOT_MONITOR_USER], description: 'the snapshot exporter' } }
      : {}),
  };
}

function yaml(value: unknown): string {
  return stringify(value, { lineWidth: 0 });
}
