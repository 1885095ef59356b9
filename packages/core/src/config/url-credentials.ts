import type { ConfigProblem } from './config-error.js';
import { formatPath } from './paths.js';

/** A URL inside any text: scheme, `://`, then the authority and the rest up to white space or a quote. */
const URL_IN_TEXT = /[A-Za-z][A-Za-z0-9+.-]*:\/\/[^\s"'<>`]+/g;

/**
 * Query parameters that carry credentials by their name (tokens, passwords, signed URLs such as
 * S3's X-Amz-Signature and Azure's sig, API keys).
 */
const CREDENTIAL_PARAMETER =
  /^(.*[-_.]?)?(token|passw(or)?d|pwd|secret|signature|sig|credentials?|api[-_]?key|access[-_]?key|auth(orization)?|private[-_]?key)$/i;

/**
 * Schemes whose user name alone is no credential: `ssh://git@host/...` names the account the key
 * logs in as. For every other scheme (https above all: `https://<token>@github.com`) any user
 * information is treated as a credential.
 */
const USER_NAME_SCHEMES = new Set(['ssh', 'git+ssh', 'ssh+git', 'sftp']);

/** What a URL holds that belongs in a Secret, without showing it. */
export function urlCredentialFinding(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    // not parseable as a URL: look for user information by hand
    const authority = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/([^/?#]*)@/.exec(url);
    return authority ? 'user information before "@"' : undefined;
  }
  const scheme = parsed.protocol.replace(/:$/, '').toLowerCase();
  if (parsed.password !== '') return 'a user name and password before "@"';
  if (parsed.username !== '' && !USER_NAME_SCHEMES.has(scheme)) return 'user information before "@", which services such as GitHub take as a token';
  const names = [...parsed.searchParams.keys()].filter((name) => CREDENTIAL_PARAMETER.test(name));
  if (names.length > 0) return `the query parameter${names.length > 1 ? 's' : ''} ${[...new Set(names)].map((n) => `"${n}"`).join(', ')}`;
  return undefined;
}

/** Replaces user information and credential query values in every URL of a text by `***`, so an error message never shows them. */
export function redactUrlCredentials(text: string): string {
  return text.replace(URL_IN_TEXT, (url) => {
    let out = url.replace(/^([A-Za-z][A-Za-z0-9+.-]*:\/\/)[^/?#]*@/, '$1***@');
    out = out.replace(/([?&])([^=&#]+)=([^&#]*)/g, (whole, sep: string, name: string) =>
      CREDENTIAL_PARAMETER.test(decodeSafe(name)) ? `${sep}${name}=***` : whole,
    );
    return out;
  });
}

function decodeSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/**
 * Finds credentials in URLs anywhere in parsed configuration: every string value (and key) is
 * searched for URLs, whatever field holds it, so a field added later is covered too. Problems name
 * the file and field path and say where the credential belongs; they never show it.
 * @param advice what to do instead, e.g. which setting names the Secret. @default a sops Secret via `ck8s secrets set`
 */
export function urlCredentialProblems(data: unknown, file: string, advice: (path: string) => string = defaultAdvice): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const visit = (value: unknown, at: readonly PropertyKey[]): void => {
    if (typeof value === 'string') {
      for (const url of value.match(URL_IN_TEXT) ?? []) {
        const finding = urlCredentialFinding(url);
        if (!finding) continue;
        const fieldPath = formatPath(at);
        problems.push({
          file,
          path: fieldPath,
          message: `holds a URL with credentials in it (${finding}); config files are committed in plaintext: remove them from the URL. ${advice(fieldPath)}`,
        });
        return;
      }
    } else if (Array.isArray(value)) {
      value.forEach((item, i) => visit(item, [...at, i]));
    } else if (value !== null && typeof value === 'object') {
      for (const [key, item] of Object.entries(value)) {
        visit(key, [...at, key]);
        visit(item, [...at, key]);
      }
    }
  };
  visit(data, []);
  // a key and its value can both hold one: report the field once
  const seen = new Set<string>();
  return problems.filter((p) => !seen.has(p.path) && seen.add(p.path));
}

function defaultAdvice(): string {
  return 'Credentials belong in a sops-encrypted Secret (`ck8s secrets set <cluster> <namespace>/<name> --stdin KEY`) that the component reads.';
}

/** Where the credentials of a URL field of cluster.yaml belong instead. */
function clusterCredentialAdvice(fieldPath: string): string {
  if (fieldPath.startsWith('gitops.')) {
    return "Git credentials belong in a Secret in flux-system that Flux's GitRepository reads through secretRef: create it when you bootstrap the cluster (`flux create secret git <name> --url=<url without credentials> ...`) and name it in gitops.secretName.";
  }
  if (/^(backup\.objectStorage|registry\.storage|logging\.snapshots)\./.test(fieldPath)) {
    return "Object storage keys belong in the component's sops Secret (`ck8s init` writes them from CK8S_S3_ACCESS_KEY_ID and CK8S_S3_SECRET_ACCESS_KEY; or `ck8s secrets set`).";
  }
  if (fieldPath.startsWith('identity.') || fieldPath.startsWith('oidc.')) {
    return "Identity provider credentials belong in the connector's sops Secret (identity.connectors[].secret, written by `ck8s secrets set`).";
  }
  return 'Credentials belong in a sops-encrypted Secret (`ck8s secrets set <cluster> <namespace>/<name> --stdin KEY`) that the component reads.';
}

/**
 * URLs with credentials anywhere in a cluster.yaml, each with where its credentials belong instead.
 * Without the config schema: reading a cluster's recipients refuses such a file too.
 */
export function clusterConfigCredentialProblems(data: unknown, file: string): ConfigProblem[] {
  return urlCredentialProblems(data, file, clusterCredentialAdvice);
}
