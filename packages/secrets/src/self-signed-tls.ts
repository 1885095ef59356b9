import { webcrypto } from 'node:crypto';
import type * as X509 from '@peculiar/x509';

let loaded: Promise<typeof X509> | undefined;

/** @peculiar/x509 with Node's WebCrypto, loaded on first use: only `ck8s init` makes certificates. */
function loadX509(): Promise<typeof X509> {
  loaded ??= (async () => {
    // @peculiar/x509 resolves its ASN.1 codecs through tsyringe, which needs the Reflect metadata API
    await import('reflect-metadata');
    const x509 = await import('@peculiar/x509');
    x509.cryptoProvider.set(webcrypto as never);
    return x509;
  })();
  return loaded;
}

export interface SelfSignedTlsProps {
  /** Subject of the leaf certificate, e.g. `CN=opensearch-node` (it must match what the server is told to trust, such as a nodes_dn list). */
  readonly subject: string;
  /** DNS names of the leaf certificate. */
  readonly dnsNames: readonly string[];
  /** Subject of the private CA. @default `CN=<first DNS name> CA` */
  readonly caSubject?: string;
  /** Days the leaf certificate is valid. @default 730 */
  readonly days?: number;
  /** Days the CA is valid. @default 3650 */
  readonly caDays?: number;
  /** Start of validity. @default now */
  readonly now?: Date;
}

/** PEM files of a Kubernetes TLS Secret plus its CA: `tls.crt`, `tls.key` (PKCS#8) and `ca.crt`. */
export interface TlsFiles {
  readonly 'tls.crt': string;
  readonly 'tls.key': string;
  readonly 'ca.crt': string;
}

const RSA: webcrypto.RsaHashedKeyGenParams = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256', publicExponent: new Uint8Array([1, 0, 1]), modulusLength: 3072 };

/**
 * A private CA and a leaf certificate it signed, for TLS between a service's own pods (OpenSearch
 * nodes, say) where no public issuer applies. RSA 3072 keys: every JVM and Go TLS stack accepts
 * them. The leaf is usable as both server and client (node-to-node transport needs both).
 */
export async function selfSignedTls(props: SelfSignedTlsProps): Promise<TlsFiles> {
  if (props.dnsNames.length === 0) throw new Error('a TLS certificate needs at least one DNS name');
  const x509 = await loadX509();
  const now = props.now ?? new Date();
  const until = (days: number): Date => new Date(now.getTime() + days * 86_400_000);
  const caKeys = (await webcrypto.subtle.generateKey(RSA, true, ['sign', 'verify']));
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: props.caSubject ?? `CN=${props.dnsNames[0]} CA`,
    notBefore: now,
    notAfter: until(props.caDays ?? 3650),
    signingAlgorithm: RSA,
    keys: caKeys,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(caKeys.publicKey),
    ],
  });
  const leafKeys = (await webcrypto.subtle.generateKey(RSA, true, ['sign', 'verify']));
  const leaf = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: props.subject,
    issuer: ca.subject,
    notBefore: now,
    notAfter: until(props.days ?? 730),
    signingAlgorithm: RSA,
    publicKey: leafKeys.publicKey,
    signingKey: caKeys.privateKey,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth]),
      new x509.SubjectAlternativeNameExtension(props.dnsNames.map((value) => ({ type: 'dns' as const, value }))),
      await x509.AuthorityKeyIdentifierExtension.create(ca, false),
    ],
  });
  const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', leafKeys.privateKey);
  return {
    'tls.crt': `${leaf.toString('pem')}\n`,
    'tls.key': `${x509.PemConverter.encode(pkcs8, 'PRIVATE KEY')}\n`,
    'ca.crt': `${ca.toString('pem')}\n`,
  };
}

/** A positive 128-bit serial number in hex (RFC 5280: unique per CA, at most 20 octets). */
function serial(): string {
  const bytes = webcrypto.getRandomValues(new Uint8Array(16));
  bytes[0]! &= 0x7f;
  return Buffer.from(bytes).toString('hex');
}
