import { DNS_SUBDOMAIN } from '@ck8s/core/base';

/**
 * The only labels a committed Secret may carry. sops encrypts `data` and `stringData` only, so
 * everything else of the Secret is plaintext in git: the platform identifies Secrets by the
 * recommended `app.kubernetes.io` labels and nothing else. Values must be label values (at most 63
 * characters), so nothing long hides there either.
 */
export const SECRET_LABELS_ALLOWED: readonly string[] = [
  'app.kubernetes.io/name',
  'app.kubernetes.io/instance',
  'app.kubernetes.io/component',
  'app.kubernetes.io/part-of',
  'app.kubernetes.io/managed-by',
];

/**
 * The only annotations a committed Secret may carry, each with the values it takes. Never
 * `kubectl.kubernetes.io/last-applied-configuration`, which holds the whole Secret in plaintext.
 */
export const SECRET_ANNOTATIONS_ALLOWED: Readonly<Record<string, { readonly values: RegExp; readonly why: string }>> = {
  // the API server binds a service account token Secret to its account by this annotation
  'kubernetes.io/service-account.name': { values: DNS_SUBDOMAIN, why: 'a service account name' },
};

/**
 * The Secret types Kubernetes defines, and the one custom type a platform component reads: a
 * custom type is free text in plaintext, so any other is not allowed.
 */
export const SECRET_TYPES: readonly string[] = [
  'Opaque',
  // the F5 NGINX Ingress Controller reads an endpoint's htpasswd only from a Secret of this type;
  // a fixed, public value, so it tells nothing about the contents
  'nginx.org/htpasswd',
  'kubernetes.io/basic-auth',
  'kubernetes.io/dockercfg',
  'kubernetes.io/dockerconfigjson',
  'kubernetes.io/service-account-token',
  'kubernetes.io/ssh-auth',
  'kubernetes.io/tls',
  'bootstrap.kubernetes.io/token',
];

const TOP_LEVEL: readonly string[] = ['apiVersion', 'kind', 'metadata', 'type', 'immutable', 'data', 'stringData', 'sops'];
const METADATA: readonly string[] = ['name', 'namespace', 'labels', 'annotations'];
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** A problem with the plaintext part of a Secret; `path` is a field path, the value is never shown. */
export interface SecretMetadataProblem {
  readonly path: string;
  readonly message: string;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

const PLAINTEXT = 'sops leaves everything but data and stringData in plaintext';

/**
 * What a Secret carries in plaintext beyond what the platform allows: fields other than the
 * Secret's own, metadata other than name, namespace and the allowed labels and annotations (see
 * {@link SECRET_LABELS_ALLOWED}, {@link SECRET_ANNOTATIONS_ALLOWED}), or a custom type. Messages
 * name the field and what is allowed, never the value.
 */
export function secretMetadataProblems(doc: Record<string, unknown>): SecretMetadataProblem[] {
  const problems: SecretMetadataProblem[] = [];
  for (const key of Object.keys(doc)) {
    if (!TOP_LEVEL.includes(key)) problems.push({ path: key, message: `is not a field of a Secret; ${PLAINTEXT}, so only ${TOP_LEVEL.join(', ')} are allowed` });
  }
  if (doc.type !== undefined && (typeof doc.type !== 'string' || !SECRET_TYPES.includes(doc.type))) {
    problems.push({ path: 'type', message: `is not an allowed Secret type; allowed: ${SECRET_TYPES.join(', ')}` });
  }
  const metadata = doc.metadata;
  if (!isRecord(metadata)) return problems;
  for (const key of Object.keys(metadata)) {
    if (!METADATA.includes(key)) problems.push({ path: `metadata.${key}`, message: `is not allowed in a committed Secret (${PLAINTEXT}); allowed: ${METADATA.join(', ')}` });
  }
  const labels = metadata.labels;
  if (labels !== undefined && !isRecord(labels)) problems.push({ path: 'metadata.labels', message: 'must be a mapping of label names to values' });
  for (const [key, value] of Object.entries(isRecord(labels) ? labels : {})) {
    const at = `metadata.labels[${JSON.stringify(key)}]`;
    if (!SECRET_LABELS_ALLOWED.includes(key)) problems.push({ path: at, message: `is not allowed on a committed Secret (${PLAINTEXT}); allowed labels: ${SECRET_LABELS_ALLOWED.join(', ')}` });
    else if (typeof value !== 'string' || !LABEL_VALUE.test(value) || value.length > 63) problems.push({ path: at, message: 'is not a label value (at most 63 letters, digits, "-", "_" and ".")' });
  }
  const annotations = metadata.annotations;
  if (annotations !== undefined && !isRecord(annotations)) problems.push({ path: 'metadata.annotations', message: 'must be a mapping of annotation names to values' });
  for (const [key, value] of Object.entries(isRecord(annotations) ? annotations : {})) {
    const at = `metadata.annotations[${JSON.stringify(key)}]`;
    const allowed = SECRET_ANNOTATIONS_ALLOWED[key];
    const list = Object.keys(SECRET_ANNOTATIONS_ALLOWED).join(', ');
    if (key === 'kubectl.kubernetes.io/last-applied-configuration') {
      problems.push({ path: at, message: `holds the whole Secret in plaintext (${PLAINTEXT}); remove it: write the file with \`ck8s secrets set\`, never from \`kubectl get -o yaml\` output` });
    } else if (!allowed) {
      problems.push({ path: at, message: `is not allowed on a committed Secret (${PLAINTEXT}); allowed annotations: ${list}` });
    } else if (typeof value !== 'string' || !allowed.values.test(value) || value.length > 253) {
      problems.push({ path: at, message: `must be ${allowed.why}` });
    }
  }
  return problems;
}
