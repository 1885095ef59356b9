/** An age X25519 key pair. */
export interface AgeKeyPair {
  /** The private key, `AGE-SECRET-KEY-1...`; never commit it. */
  readonly identity: string;
  /** The public key, `age1...`; listed in cluster.yaml under `sops.ageRecipients`. */
  readonly recipient: string;
}

/** A line holding an age identity, as sops and age read it from a key file or SOPS_AGE_KEY. */
const IDENTITY_LINE = /^AGE-SECRET-KEY-(PQ-)?1[0-9A-Z]+$/m;

/** Generates a key pair in-process, without the age-keygen binary. */
export async function generateAgeKeyPair(): Promise<AgeKeyPair> {
  // X25519 explicitly: generateIdentity() may switch to post-quantum keys, whose age1pq1
  // recipients cluster.yaml does not accept (AGE_RECIPIENT) and Flux's sops may not read.
  // loaded here: reading and checking Secrets never needs it
  const { generateX25519Identity, identityToRecipient } = await import('age-encryption');
  const identity = await generateX25519Identity();
  return { identity, recipient: await identityToRecipient(identity) };
}

/** The key file text in age-keygen's format, which sops, age and Flux all read. */
export function formatAgeKeyFile(pair: AgeKeyPair, created: Date = new Date()): string {
  const timestamp = created.toISOString().replace(/\.\d{3}Z$/, 'Z');
  return `# created: ${timestamp}\n# public key: ${pair.recipient}\n${pair.identity}\n`;
}

/** Whether text (a key file or the value of SOPS_AGE_KEY) holds at least one age identity line. */
export function hasAgeIdentity(text: string): boolean {
  return IDENTITY_LINE.test(text.replace(/\r/g, ''));
}
