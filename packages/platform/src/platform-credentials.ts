import type { ClusterConfig, RequiredSecret } from '@ck8s/core';
import { DASHBOARDS_SERVER_USER, LOG_STORE_ADMIN_USER, LOG_STORE_NODE_DN, LOG_WRITER_BACKEND_ROLE, OPENSEARCH_SERVICE } from '@ck8s/logging';
import { bcryptHash, htpasswdLine, randomPassword, selfSignedTls } from '@ck8s/secrets';
import { stringify } from 'yaml';

/** Credentials of outside systems, given by the person onboarding (environment variables or hidden prompts). */
export interface OutsideCredentials {
  readonly s3AccessKeyId: string;
  readonly s3SecretAccessKey: string;
  /** Keys of the identity provider connector's Secret (client-id and client-secret, ca.crt, or bind-dn and bind-password). @default none (workload cluster) */
  readonly connector?: Readonly<Record<string, string>>;
  /** The alert receiver's credential (URL, password or routing key), stored under its key. @default none (workload cluster) */
  readonly receiver?: { readonly key: string; readonly value: string };
}

/** A user name and the password generated for it. */
export interface Account {
  readonly user: string;
  readonly password: string;
}

/** Accounts of one cluster that the service cluster's endpoints must accept. */
export interface ForwarderAccounts {
  /** Log store users with the log-writer backend role (Fluent Bit, falcosidekick). */
  readonly logWriters: readonly Account[];
  /** Clients of the Alertmanager endpoint's basic auth (falcosidekick). */
  readonly alertmanagerClients: readonly Account[];
  /** Clients of the Prometheus remote-write endpoint's basic auth (the workload cluster's Prometheus agent). */
  readonly remoteWriters: readonly Account[];
}

export interface PlatformCredentials {
  /** Each Secret the cluster's components need, as `namespace/name` → keys and plaintext values. */
  readonly secrets: ReadonlyMap<string, Readonly<Record<string, string>>>;
  /** The accounts this cluster uses at its service cluster's endpoints. */
  readonly accounts: ForwarderAccounts;
}

/** Secret with the log store's break-glass admin password (only its bcrypt hash is in the internal users). */
export const LOG_STORE_ADMIN_SECRET = 'opensearch/opensearch-admin';

/** htpasswd text without users: nginx reads '#' lines as comments. */
export const NO_CLIENTS_YET = '# no clients yet: ck8s init adds a line for each workload cluster it onboards\n';

/** Account names of a cluster's agents at the service cluster: readable, and unique per cluster. */
export const agentUser = {
  fluentBit: (cluster: string) => `fluent-bit-${cluster}`,
  falcosidekick: (cluster: string) => `falcosidekick-${cluster}`,
  prometheus: (cluster: string) => `prometheus-${cluster}`,
} as const;

/** `internal_users.yml` of the OpenSearch security plugin: bcrypt hashes only, reserved system users first. */
export function internalUsersFile(admin: Account, dashboards: Account, logWriters: readonly Account[]): string {
  const users: Record<string, unknown> = {
    _meta: { type: 'internalusers', config_version: 2 },
    [admin.user]: { hash: bcryptHash(admin.password), reserved: true, backend_roles: ['admin'] },
    [dashboards.user]: { hash: bcryptHash(dashboards.password), reserved: true },
  };
  for (const w of logWriters) users[w.user] = { hash: bcryptHash(w.password), backend_roles: [LOG_WRITER_BACKEND_ROLE] };
  return stringify(users);
}

/** The `Authorization` header falcosidekick sends to Alertmanager, in its `Name:Value` format. */
export function basicAuthHeader(account: Account): string {
  return `Authorization:Basic ${Buffer.from(`${account.user}:${account.password}`).toString('base64')}`;
}

/**
 * Generates every credential the cluster's components declare (their `requiredSecrets`): random
 * passwords for the platform's own accounts, bcrypt hashes where the consumer wants them, a
 * private CA for the log store's node TLS, and each OIDC client secret once, so Dex and the
 * application hold the same value. Outside credentials are placed where the components read them.
 * Nothing is written here.
 * @throws Error naming each required Secret init does not know how to fill (a component added one without teaching init)
 */
export async function platformCredentials(cluster: ClusterConfig, required: readonly RequiredSecret[], outside: OutsideCredentials): Promise<PlatformCredentials> {
  const name = cluster.name;
  const clientSecrets = new Map<string, string>();
  const clientSecret = (id: string): string => {
    if (!clientSecrets.has(id)) clientSecrets.set(id, randomPassword());
    return clientSecrets.get(id)!;
  };
  const fluentBit: Account = { user: agentUser.fluentBit(name), password: randomPassword() };
  const falcosidekick: Account = { user: agentUser.falcosidekick(name), password: randomPassword() };
  const prometheus: Account = { user: agentUser.prometheus(name), password: randomPassword() };
  const dashboards: Account = { user: DASHBOARDS_SERVER_USER, password: randomPassword() };
  const used = { fluentBit: false, falcosidekick: false, prometheus: false };
  const logWriters = (): Account[] => [...(used.fluentBit ? [fluentBit] : []), ...(used.falcosidekick ? [falcosidekick] : [])];

  const secrets = new Map<string, Record<string, string>>();
  const unknown: string[] = [];
  // the Secrets some entries read from others (the log store's users) are filled after the loop
  const deferred: (() => void)[] = [];
  for (const secret of [...required].sort((a, b) => `${a.namespace}/${a.name}`.localeCompare(`${b.namespace}/${b.name}`))) {
    const ref = `${secret.namespace}/${secret.name}`;
    const set = (entries: Record<string, string>): void => void secrets.set(ref, { ...secrets.get(ref), ...entries });
    switch (ref) {
      case 'logging/fluent-bit-credentials':
        used.fluentBit = true;
        set({ OPENSEARCH_USERNAME: fluentBit.user, OPENSEARCH_PASSWORD: fluentBit.password });
        break;
      case `falco/${cluster.ids.credentialsSecret}`:
        used.falcosidekick = true;
        set({ ELASTICSEARCH_USERNAME: falcosidekick.user, ELASTICSEARCH_PASSWORD: falcosidekick.password, ALERTMANAGER_CUSTOMHEADERS: basicAuthHeader(falcosidekick) });
        break;
      case 'monitoring/prometheus-remote-write':
        used.prometheus = true;
        set({ username: prometheus.user, password: prometheus.password });
        break;
      case 'velero/velero-credentials':
        set({ cloud: `[default]\naws_access_key_id=${outside.s3AccessKeyId}\naws_secret_access_key=${outside.s3SecretAccessKey}\n` });
        break;
      case 'harbor/harbor-s3':
        set({ REGISTRY_STORAGE_S3_ACCESSKEY: outside.s3AccessKeyId, REGISTRY_STORAGE_S3_SECRETKEY: outside.s3SecretAccessKey });
        break;
      case 'monitoring/alertmanager-basic-auth':
        // the service cluster's own falcosidekick; workload clusters add theirs when they are onboarded
        deferred.push(() => set({ auth: used.falcosidekick ? `${htpasswdLine(falcosidekick.user, falcosidekick.password)}\n` : NO_CLIENTS_YET }));
        break;
      case 'monitoring/prometheus-basic-auth':
        // no remote writer until a workload cluster is onboarded: nginx refuses every request until then
        // (a comment rather than an empty value, which sops would leave unencrypted)
        set({ auth: NO_CLIENTS_YET });
        break;
      case 'monitoring/grafana-admin':
        set({ 'admin-user': 'admin', 'admin-password': randomPassword() });
        break;
      case 'monitoring/grafana-oidc':
        set({ 'client-secret': clientSecret('grafana') });
        break;
      case 'opensearch/opensearch-dashboards-oidc':
        set({ 'client-secret': clientSecret('opensearch-dashboards') });
        break;
      case 'harbor/harbor-oidc':
        set({ 'client-secret': clientSecret('harbor') });
        break;
      case 'dex/dex-client-secrets':
        set(Object.fromEntries(secret.keys.map((id) => [id, clientSecret(id)])));
        break;
      case 'opensearch/opensearch-dashboards-account':
        set({ username: dashboards.user, password: dashboards.password, cookie: randomPassword(48) });
        break;
      case 'opensearch/opensearch-internal-users':
        deferred.push(() => {
          const admin: Account = { user: LOG_STORE_ADMIN_USER, password: randomPassword() };
          set({ 'internal_users.yml': internalUsersFile(admin, dashboards, logWriters()) });
          secrets.set(LOG_STORE_ADMIN_SECRET, { username: admin.user, password: admin.password });
        });
        break;
      case 'opensearch/opensearch-node-tls': {
        const ns = secret.namespace;
        const names = [OPENSEARCH_SERVICE, `${OPENSEARCH_SERVICE}-headless`].flatMap((s) => [s, `${s}.${ns}`, `${s}.${ns}.svc`, `${s}.${ns}.svc.cluster.local`]);
        set({ ...(await selfSignedTls({ subject: LOG_STORE_NODE_DN, dnsNames: [...names, `*.${OPENSEARCH_SERVICE}-headless.${ns}.svc.cluster.local`], caSubject: `CN=${name} log store CA` })) });
        break;
      }
      case 'harbor/harbor-admin':
        set({ HARBOR_ADMIN_PASSWORD: randomPassword() });
        break;
      case 'harbor/harbor-secret-key':
        set({ secretKey: randomPassword(16) });
        break;
      case 'harbor/harbor-registry-credentials': {
        const password = randomPassword();
        set({ REGISTRY_PASSWD: password, REGISTRY_HTPASSWD: htpasswdLine('harbor_registry_user', password) });
        break;
      }
      case 'harbor/harbor-database':
        set({ password: randomPassword() });
        break;
      default:
        if (secret.namespace === 'dex' && outside.connector && secret.keys.every((k) => k in outside.connector!)) set(pick(outside.connector, secret.keys));
        else if (secret.namespace === 'monitoring' && outside.receiver && secret.keys.includes(outside.receiver.key)) set({ [outside.receiver.key]: outside.receiver.value });
        else unknown.push(`${ref} (${secret.purpose})`);
    }
  }
  for (const fill of deferred) fill();
  if (unknown.length > 0) {
    throw new Error(`init cannot fill these Secrets of cluster ${name}: ${unknown.join('; ')}; switch the component off in cluster.yaml or create them with \`ck8s secrets set\` after init`);
  }
  return {
    secrets,
    accounts: {
      logWriters: logWriters(),
      alertmanagerClients: used.falcosidekick ? [falcosidekick] : [],
      remoteWriters: used.prometheus ? [prometheus] : [],
    },
  };
}

function pick(values: Readonly<Record<string, string>>, keys: readonly string[]): Record<string, string> {
  return Object.fromEntries(keys.map((k) => [k, values[k]!]));
}
