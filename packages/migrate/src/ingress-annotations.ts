import type { InputObject } from './input-objects.js';
import type { IngressAnnotationFinding } from './scan-model.js';

/** Prefix of ingress-nginx's annotations, which the target's NGINX Ingress Controller ignores. */
export const INGRESS_NGINX_PREFIX = 'nginx.ingress.kubernetes.io/';

/** What the NGINX Ingress Controller takes instead of an ingress-nginx annotation: its annotation, or null, and what to do. */
interface Equivalent {
  readonly replacement: string | null;
  readonly detail: string;
}

const SNIPPET: Equivalent = {
  replacement: null,
  detail:
    'configuration snippets are off on the platform and the ingress-snippets rule refuses them; use the nginx.org/* annotation that sets what the snippet did',
};

const SOURCE_RANGE: Equivalent = {
  replacement: null,
  detail:
    'no Ingress annotation in NGINX Open Source (the access-control Policy resource is off on the platform); check the client address in the application, or ask the platform team',
};

/**
 * ingress-nginx annotations by name (after the prefix), with the NGINX Ingress Controller's
 * equivalent (docs.nginx.com, "Advanced configuration with Annotations") where one exists in NGINX
 * Open Source, and how the value changes.
 */
const EQUIVALENTS: Readonly<Record<string, Equivalent>> = {
  'proxy-body-size': { replacement: 'nginx.org/client-max-body-size', detail: 'same value (e.g. 8m; 0 for no limit)' },
  'proxy-connect-timeout': { replacement: 'nginx.org/proxy-connect-timeout', detail: 'add the unit: 60 becomes 60s' },
  'proxy-read-timeout': { replacement: 'nginx.org/proxy-read-timeout', detail: 'add the unit: 60 becomes 60s' },
  'proxy-send-timeout': { replacement: 'nginx.org/proxy-send-timeout', detail: 'add the unit: 60 becomes 60s' },
  'proxy-buffering': { replacement: 'nginx.org/proxy-buffering', detail: 'on/off become True/False' },
  'proxy-buffer-size': { replacement: 'nginx.org/proxy-buffer-size', detail: 'same value' },
  'proxy-buffers-number': { replacement: 'nginx.org/proxy-buffers', detail: 'number and size together, e.g. "4 8k"' },
  'proxy-max-temp-file-size': { replacement: 'nginx.org/proxy-max-temp-file-size', detail: 'same value' },
  'proxy-next-upstream': { replacement: 'nginx.org/proxy-next-upstream', detail: 'same value' },
  'proxy-next-upstream-timeout': { replacement: 'nginx.org/proxy-next-upstream-timeout', detail: 'add the unit: 10 becomes 10s' },
  'proxy-next-upstream-tries': { replacement: 'nginx.org/proxy-next-upstream-tries', detail: 'same value' },
  'client-body-buffer-size': { replacement: 'nginx.org/client-body-buffer-size', detail: 'same value' },
  'ssl-redirect': { replacement: 'nginx.org/ssl-redirect', detail: 'same value; the platform redirects to HTTPS by default' },
  'force-ssl-redirect': { replacement: 'nginx.org/ssl-redirect', detail: 'the platform redirects every Ingress with TLS to HTTPS by default' },
  'backend-protocol': {
    replacement: 'nginx.org/ssl-services',
    detail: 'HTTPS: list the backend Services in nginx.org/ssl-services; GRPC: nginx.org/grpc-services (gRPC needs TLS on the Ingress)',
  },
  'rewrite-target': { replacement: 'nginx.org/rewrite-target', detail: 'regex capture groups need nginx.org/path-regex on the Ingress' },
  'use-regex': { replacement: 'nginx.org/path-regex', detail: 'true becomes case_sensitive (or case_insensitive, exact)' },
  'app-root': { replacement: 'nginx.org/app-root', detail: 'same value' },
  'custom-http-errors': { replacement: 'nginx.org/custom-http-errors', detail: 'same list of codes; the error pages are the controller defaults' },
  'load-balance': { replacement: 'nginx.org/lb-method', detail: 'ewma has no equivalent; round_robin and least_conn keep their names' },
  'upstream-hash-by': { replacement: 'nginx.org/lb-method', detail: 'becomes "hash <key> consistent"' },
  'limit-rps': { replacement: 'nginx.org/limit-req-rate', detail: 'add the unit: 10 becomes 10r/s' },
  'limit-rpm': { replacement: 'nginx.org/limit-req-rate', detail: 'add the unit: 600 becomes 600r/m' },
  'limit-burst-multiplier': { replacement: 'nginx.org/limit-req-burst', detail: 'an absolute burst, not a multiplier of the rate' },
  'auth-type': {
    replacement: 'nginx.org/basic-auth-secret',
    detail: 'basic: name the htpasswd Secret in nginx.org/basic-auth-secret; the Secret needs type nginx.org/htpasswd and key htpasswd',
  },
  'auth-secret': {
    replacement: 'nginx.org/basic-auth-secret',
    detail: 'the Secret needs type nginx.org/htpasswd and its lines under key htpasswd (ingress-nginx read key auth)',
  },
  'auth-realm': { replacement: 'nginx.org/basic-auth-realm', detail: 'same value' },
  'server-snippet': SNIPPET,
  'configuration-snippet': SNIPPET,
  'auth-snippet': SNIPPET,
  'stream-snippet': SNIPPET,
  affinity: { replacement: null, detail: 'cookie affinity (nginx.org/sticky-cookie-services) needs NGINX Plus; keep session state out of the pods' },
  'enable-cors': { replacement: null, detail: 'answer CORS in the application' },
  'whitelist-source-range': SOURCE_RANGE,
  'allowlist-source-range': SOURCE_RANGE,
  'ssl-passthrough': {
    replacement: null,
    detail: 'TLS passthrough needs a TransportServer, which the platform does not offer; end TLS at the Ingress',
  },
  'permanent-redirect': { replacement: null, detail: 'redirect in the application' },
  'temporal-redirect': { replacement: null, detail: 'redirect in the application' },
};

/** An annotation of ingress-nginx, by name after the prefix: its equivalent, also for the cors-* family. */
function equivalent(name: string): Equivalent {
  const known = EQUIVALENTS[name];
  if (known) return known;
  if (name.endsWith('-snippet')) return SNIPPET;
  if (name.startsWith('cors-')) return EQUIVALENTS['enable-cors']!;
  return { replacement: null, detail: 'no known nginx.org equivalent: see the NGINX Ingress Controller annotation reference' };
}

/**
 * The ingress-nginx annotations (`nginx.ingress.kubernetes.io/*`) on the input's Ingresses: the
 * target's NGINX Ingress Controller ignores them, so each is listed with its nginx.org equivalent
 * where one exists. Values are not shown (an auth URL or snippet may carry credentials).
 */
export function ingressAnnotationFindings(objects: readonly InputObject[]): IngressAnnotationFinding[] {
  const findings: IngressAnnotationFinding[] = [];
  for (const object of objects) {
    if (object.kind !== 'Ingress') continue;
    const annotations = (object.raw.metadata as { annotations?: Record<string, unknown> } | undefined)?.annotations ?? {};
    for (const key of Object.keys(annotations).sort()) {
      if (!key.startsWith(INGRESS_NGINX_PREFIX)) continue;
      const { replacement, detail } = equivalent(key.slice(INGRESS_NGINX_PREFIX.length));
      findings.push({ object: object.label, file: object.file, annotation: key, replacement, detail });
    }
  }
  return findings;
}
