import { stringify } from 'yaml';
import { LOG_INDEX_PATTERNS } from './log-indices.js';

/** Role of the forwarders' accounts: append to log indices, nothing else. */
export const LOG_WRITER_ROLE = 'log_writer';
/** Role of the people who read logs in Dashboards. */
export const LOG_READER_ROLE = 'log_reader';

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

export interface SecurityConfigProps {
  /** The OIDC issuer people sign in at. */
  readonly issuer: string;
  /** Claims of the identity token that hold the user name and the groups. */
  readonly claims: { readonly username: string; readonly groups: string };
  /** Identity-provider groups of the platform operators: all_access. */
  readonly operatorGroups: readonly string[];
  /** Identity-provider groups mapped to log_reader. */
  readonly readerGroups: readonly string[];
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
    'roles.yml': yaml(securityRoles()),
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

/** `roles.yml`: log_writer (append only) and log_reader (read only), both on the log indices only. */
export function securityRoles(): Record<string, unknown> {
  return {
    _meta: { type: 'roles', config_version: 2 },
    [LOG_WRITER_ROLE]: {
      description: 'forwarders: create daily log indices and append documents; never read, update or delete',
      // a _bulk request is authorized at cluster level first, then per index
      cluster_permissions: ['indices:data/write/bulk'],
      index_permissions: [{ index_patterns: [...LOG_INDEX_PATTERNS], allowed_actions: [...LOG_WRITER_INDEX_ACTIONS] }],
    },
    [LOG_READER_ROLE]: {
      description: 'people: search the log indices',
      cluster_permissions: ['cluster_composite_ops_ro'],
      index_permissions: [{ index_patterns: [...LOG_INDEX_PATTERNS], allowed_actions: [...LOG_READER_INDEX_ACTIONS] }],
    },
  };
}

/** `roles_mapping.yml`: operators get all_access, readers log_reader, forwarders log_writer. */
export function securityRoleMappings(props: Pick<SecurityConfigProps, 'operatorGroups' | 'readerGroups'>): Record<string, unknown> {
  const operators = props.operatorGroups;
  return {
    _meta: { type: 'rolesmapping', config_version: 2 },
    all_access: {
      reserved: false,
      backend_roles: [...operators],
      users: [LOG_STORE_ADMIN_USER],
      description: 'platform operators and the break-glass admin',
    },
    kibana_server: { reserved: true, users: [DASHBOARDS_SERVER_USER], description: "OpenSearch Dashboards' server" },
    // kibana_user lets people use Dashboards itself (saved objects); what they see is decided by log_reader
    kibana_user: { reserved: false, backend_roles: [...new Set([...props.readerGroups, ...operators])], description: 'people who use Dashboards' },
    [LOG_READER_ROLE]: { reserved: false, backend_roles: [...props.readerGroups], description: 'people who read logs' },
    [LOG_WRITER_ROLE]: { reserved: false, backend_roles: [LOG_WRITER_BACKEND_ROLE], description: 'forwarder accounts' },
  };
}

function yaml(value: unknown): string {
  return stringify(value, { lineWidth: 0 });
}
