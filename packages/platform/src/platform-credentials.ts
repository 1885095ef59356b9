import type { Account, AccountKind, AccountSink, Component, CredentialContext, OutsideCredential, RequiredSecret } from '@ck8s/core';
import { bcryptHash, htpasswdLine, randomPassword, selfSignedTls, upsertHtpasswd } from '@ck8s/secrets';

/** Credentials of outside systems, given by the person onboarding (environment variables or hidden prompts). */
export type OutsideCredentials = Readonly<Partial<Record<OutsideCredential, string>>>;

/** A generated Secret: its type (as its component declares it) and its keys with plaintext values. */
export interface GeneratedSecret {
  /** @see RequiredSecret.type */
  readonly type: string;
  readonly entries: Readonly<Record<string, string>>;
}

export interface PlatformCredentials {
  /** Each Secret the cluster's components need, as `namespace/name` → its type, keys and plaintext values. */
  readonly secrets: ReadonlyMap<string, GeneratedSecret>;
  /** The accounts this cluster holds at its service cluster's endpoints, by kind. */
  readonly accounts: ReadonlyMap<AccountKind, readonly Account[]>;
}

/** What an account sink needs to add accounts: the hashing helpers. */
export const SINK_CONTEXT: Pick<CredentialContext, 'bcrypt' | 'htpasswd' | 'upsertHtpasswd'> = {
  bcrypt: (password) => bcryptHash(password),
  htpasswd: (user, password) => htpasswdLine(user, password),
  upsertHtpasswd: (text, user, password) => upsertHtpasswd(text, htpasswdLine(user, password)),
};

function ref(secret: Pick<RequiredSecret, 'namespace' | 'name'>): string {
  return `${secret.namespace}/${secret.name}`;
}

/**
 * Generates every Secret the cluster's components declare with the generator each declares:
 * random passwords, bcrypt hashes, a private CA, each shared value (an OIDC client secret) once for
 * all its holders, outside credentials where the components read them, and the accounts of the
 * cluster's agents at its service cluster. A service cluster's own agents are added to its own
 * account sinks (its log store's users, its endpoints' htpasswd). Nothing is written here.
 * @throws Error naming each Secret no component can generate (a component added one without a generator), or an outside credential that was not given
 */
export async function platformCredentials(
  cluster: string,
  components: readonly Component[],
  outside: OutsideCredentials,
): Promise<PlatformCredentials> {
  const shared = new Map<string, string>();
  const passwords = new Map<string, string>();
  const accounts = new Map<AccountKind, Account[]>();
  const context: CredentialContext = {
    cluster,
    password: (length) => randomPassword(length),
    shared: (id, make = () => randomPassword()) => {
      if (!shared.has(id)) shared.set(id, make());
      return shared.get(id)!;
    },
    ...SINK_CONTEXT,
    tls: async (props) => ({ ...(await selfSignedTls(props)) }),
    outside: (name) => {
      const value = outside[name];
      if (value === undefined) throw new Error(`the outside credential ${name} is needed but was not given`);
      return value;
    },
    account: (kind, user) => {
      if (!passwords.has(user)) passwords.set(user, randomPassword());
      const password = passwords.get(user)!;
      const list = accounts.get(kind) ?? [];
      if (!list.some((a) => a.user === user)) list.push({ user, password });
      accounts.set(kind, list);
      return password;
    },
  };

  const required = new Map<string, RequiredSecret>();
  for (const secret of components.flatMap((c) => c.requiredSecrets)) {
    // the same Secret may be declared twice (by the component and a derived one): the one that can generate it wins
    if (!required.has(ref(secret)) || (secret.generate && !required.get(ref(secret))!.generate)) required.set(ref(secret), secret);
  }
  const unknown = [...required.values()].filter((s) => !s.generate).map((s) => `${ref(s)} (${s.purpose})`);
  if (unknown.length > 0) {
    throw new Error(
      `init cannot fill these Secrets of cluster ${cluster}: ${unknown.join('; ')}; switch the component off in cluster.yaml or create them with \`ck8s secrets set\` after init`,
    );
  }
  const secrets = new Map<string, { type: string; entries: Record<string, string> }>();
  for (const [name, secret] of [...required].sort(([a], [b]) => a.localeCompare(b))) {
    secrets.set(name, { type: secret.type ?? 'Opaque', entries: { ...(await secret.generate!(context)) } });
  }

  // a service cluster's own agents report to itself
  for (const sink of components.flatMap((c) => c.accountSinks)) {
    const own = accounts.get(sink.kind) ?? [];
    if (own.length === 0) continue;
    const secret = secrets.get(`${sink.namespace}/${sink.secret}`);
    if (!secret) throw new Error(`component declares accounts in ${sink.namespace}/${sink.secret}, but no Secret of that name`);
    secret.entries[sink.key] = sink.add(secret.entries[sink.key] ?? '', own, SINK_CONTEXT);
  }
  return { secrets, accounts };
}

/** The account sinks of a service cluster's components, by kind of account. */
export function accountSinks(components: readonly Component[]): ReadonlyMap<AccountKind, readonly AccountSink[]> {
  const sinks = new Map<AccountKind, AccountSink[]>();
  for (const sink of components.flatMap((c) => c.accountSinks)) sinks.set(sink.kind, [...(sinks.get(sink.kind) ?? []), sink]);
  return sinks;
}
