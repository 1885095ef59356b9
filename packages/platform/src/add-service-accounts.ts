import type { Workspace } from '@ck8s/core';
import { LOG_WRITER_BACKEND_ROLE } from '@ck8s/logging';
import { bcryptHash, htpasswdLine, readSecret, setSecret, upsertHtpasswd } from '@ck8s/secrets';
import { parse, stringify } from 'yaml';
import type { ForwarderAccounts } from './platform-credentials.js';

/** The service cluster's Secrets that list the accounts of the clusters sending to it. */
export const SERVICE_ACCOUNT_SECRETS = {
  internalUsers: { secret: 'opensearch/opensearch-internal-users', key: 'internal_users.yml' },
  alertmanager: { secret: 'monitoring/alertmanager-basic-auth', key: 'auth' },
  remoteWrite: { secret: 'monitoring/prometheus-basic-auth', key: 'auth' },
} as const;

export interface AddServiceAccountsProps {
  readonly workspace: Workspace;
  /** The service cluster whose Secrets get the accounts. */
  readonly serviceCluster: string;
  /** Its private age key: the Secrets are decrypted in memory to add entries. */
  readonly ageKey: string;
  readonly accounts: ForwarderAccounts;
}

/**
 * Lets a new workload cluster's agents in at its service cluster: adds their bcrypt hashes to the
 * log store's internal users (role log-writer) and to the htpasswd of the Alertmanager and
 * remote-write endpoints. Each Secret is decrypted in memory, extended (an account of the same name
 * is replaced, so a re-run rotates it) and encrypted again; plaintext never reaches the disk.
 * Every Secret is read before the first is written, so a missing one changes nothing.
 * @returns the files that changed, relative to the repository root
 */
export async function addServiceAccounts(props: AddServiceAccountsProps): Promise<string[]> {
  const { workspace, serviceCluster: cluster, ageKey, accounts } = props;
  const read = (secret: string) => readSecret({ workspace, cluster, secret, ageKey });
  const updates: { secret: string; key: string; value: string }[] = [];

  if (accounts.logWriters.length > 0) {
    const { secret, key } = SERVICE_ACCOUNT_SECRETS.internalUsers;
    const users = (parse((await read(secret))[key] ?? '') ?? {}) as Record<string, unknown>;
    for (const a of accounts.logWriters) users[a.user] = { hash: bcryptHash(a.password), backend_roles: [LOG_WRITER_BACKEND_ROLE] };
    updates.push({ secret, key, value: stringify(users) });
  }
  for (const [which, list] of [
    ['alertmanager', accounts.alertmanagerClients],
    ['remoteWrite', accounts.remoteWriters],
  ] as const) {
    if (list.length === 0) continue;
    const { secret, key } = SERVICE_ACCOUNT_SECRETS[which];
    let text = (await read(secret))[key] ?? '';
    for (const a of list) text = upsertHtpasswd(text, htpasswdLine(a.user, a.password));
    updates.push({ secret, key, value: text });
  }

  const files: string[] = [];
  for (const u of updates) files.push(await setSecret({ workspace, cluster, secret: u.secret, entries: { [u.key]: u.value }, ageKey }));
  return files;
}
