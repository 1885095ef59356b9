import type { Account, AccountKind, AccountSink, Workspace } from '@ck8s/core';
import { readSecret, setSecret } from '@ck8s/secrets';
import { SINK_CONTEXT } from './platform-credentials.js';

export interface AddServiceAccountsProps {
  readonly workspace: Workspace;
  /** The service cluster whose Secrets get the accounts. */
  readonly serviceCluster: string;
  /** Its private age key: the Secrets are decrypted in memory to add entries. */
  readonly ageKey: string;
  /** The service cluster's account sinks (from its components). */
  readonly sinks: ReadonlyMap<AccountKind, readonly AccountSink[]>;
  /** The new cluster's accounts, by kind. */
  readonly accounts: ReadonlyMap<AccountKind, readonly Account[]>;
}

/**
 * Lets a new workload cluster's agents in at its service cluster: adds their accounts to every
 * Secret of the service cluster that lists accounts of that kind (the log store's internal users,
 * the htpasswd of the Alertmanager and remote-write endpoints). Each Secret is decrypted in memory,
 * extended (an account of the same user is replaced, so a re-run rotates it) and encrypted again;
 * plaintext never reaches the disk. Every Secret is read before the first is written, so a missing
 * one changes nothing.
 * @returns the files that changed, relative to the repository root
 */
export async function addServiceAccounts(props: AddServiceAccountsProps): Promise<string[]> {
  const { workspace, serviceCluster: cluster, ageKey } = props;
  const updates = new Map<string, { secret: string; key: string; value: string }>();
  for (const [kind, accounts] of props.accounts) {
    for (const sink of props.sinks.get(kind) ?? []) {
      const secret = `${sink.namespace}/${sink.secret}`;
      const id = `${secret}:${sink.key}`;
      const current = updates.get(id)?.value ?? (await readSecret({ workspace, cluster, secret, ageKey }))[sink.key] ?? '';
      updates.set(id, { secret, key: sink.key, value: sink.add(current, accounts, SINK_CONTEXT) });
    }
  }
  const files: string[] = [];
  for (const u of updates.values()) files.push(await setSecret({ workspace, cluster, secret: u.secret, entries: { [u.key]: u.value }, ageKey }));
  return files;
}
