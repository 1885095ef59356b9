import {
  type ChartCatalog,
  Component,
  HelmChart,
  oidcClientSecretId,
  restrictedContainerSecurityContext,
  restrictedPodSecurityContext,
} from '@ck8s/core';
import type { Construct } from 'constructs';
import {
  CONNECTOR_SECRET_KEYS,
  type ConnectorConfig,
  connectorEnv,
  dexConnector,
  samlCaVolume,
  type SecretEnvVar,
  upstreamPorts,
} from './dex-connectors.js';
import { DEX_DASHBOARD } from './dex-dashboard.js';
import { DEX_ALERTS } from './dex-alerts.js';
import type { DexConfig, DexStaticClientConfig, DexValues } from './dex-values.js';
import { DEX_HTTP_PORT, DEX_PODS, DEX_SERVICE, DEX_TELEMETRY_PORT, IDENTITY_NAMESPACE } from './identity-endpoints.js';
import { DEX_CLIENT_SECRETS, type StaticClient } from './static-clients.js';

export interface IdentityProviderProps {
  readonly catalog: ChartCatalog;
  /** The issuer, e.g. `https://dex.<domain>`: its host is the endpoint Dex serves. */
  readonly issuer: string;
  /** Upstream identity providers (at least one: Dex has no local accounts). */
  readonly connectors: readonly ConnectorConfig[];
  /** The registered clients: each Kubernetes API that trusts this issuer, and the platform's web applications. */
  readonly clients: readonly StaticClient[];
  /** Dex replicas; they share their state through the Kubernetes storage. @default 2 */
  readonly replicas?: number;
}

/**
 * Single sign-on for the platform (`controllers/dex.yaml`): Dex in the restricted `dex` namespace of
 * a service cluster, issuer `https://dex.<domain>`, federating the upstream identity providers of
 * `identity.connectors` (OIDC, SAML, LDAP; see dexConnector) and passing their groups through in the
 * `groups` claim, which the API servers prefix with `oidc:` and RBAC binds.
 *
 * - Clients: one public client per Kubernetes API server that trusts this issuer
 *   (`kubernetes-<cluster>` or its `oidc.clientId`, for `kubectl oidc-login` with the redirect
 *   `http://localhost:8000`/`18000`; ask for the extra scopes `email groups offline_access`), and a
 *   confidential client for each web application its cluster's components declare (Grafana,
 *   OpenSearch Dashboards, Harbor), whose secrets are the keys of the sops Secret
 *   `dex/dex-client-secrets`; each equals the secret the application holds (onboarding generates
 *   one value for both). By hand: URL-safe random values (`openssl rand -hex 32`).
 * - Credentials: each connector's sops Secret `dex/<secret>` (oidc: `client-id`, `client-secret`;
 *   saml: `ca.crt`; ldap: `bind-dn`, `bind-password`) reaches Dex as environment variables that Dex
 *   expands in its connector config (`$CONNECTOR_<ID>_<KEY>`) and `secretEnv` of its static
 *   clients; the SAML CA is mounted as a file. The generated config holds no secret.
 * - State (auth requests, refresh tokens, signing keys) lives in Dex's own custom resources
 *   (`storage.type: kubernetes`), so replicas agree and nothing else needs a database. ID tokens
 *   live one hour; refresh tokens end after 12 hours at the latest, so people sign in upstream (and
 *   pass its second factor) at least twice a day.
 *
 * Multi-factor authentication is enforced at the upstream identity provider: Dex has no second
 * factor of its own and trusts whatever the upstream asserts. Require it there for everyone who can
 * reach the platform, e.g. a Conditional Access policy on the Dex application in Microsoft Entra ID,
 * an authentication policy (or a global session policy) in Okta, a required-action or
 * step-up authentication flow in Keycloak; where the upstream decides per request, ask for a
 * multi-factor authentication context: OIDC `acr_values` (the oidc connector's `acrValues`, e.g. the
 * upstream's MFA class) or SAML `AuthnContextClassRef` (Dex's SAML connector sends none, so require
 * it for the Dex application on the IdP side). Review the connector's claim mapping (`claimMapping` for
 * upstreams with non-standard claim names) and keep `insecureSkipEmailVerified: false`, so an
 * unverified e-mail address can never become a Kubernetes user name.
 *
 * Network: the ingress controller reaches Dex on 5556 and Prometheus its metrics on 5558; Dex
 * reaches the API server (its storage) and the upstream providers: OIDC issuers on their port (443)
 * and LDAP servers on theirs, at any address (`0.0.0.0/0`), because the providers are SaaS whose
 * addresses change and a NetworkPolicy cannot name a host. SAML needs no egress (the browser carries
 * the assertion).
 *
 * It serves the issuer's host through the ingress controller (Certificate and Ingress derived).
 *
 * @throws Error when no connector is given, connector ids repeat, or a connector uses the client secrets' name
 */
export class IdentityProvider extends Component {
  constructor(scope: Construct, id: string, props: IdentityProviderProps) {
    super(scope, id, { layer: 'controllers' });
    const namespace = IDENTITY_NAMESPACE;
    const { connectors, issuer, clients } = props;
    checkConnectors(connectors);
    checkPeers(clients);

    this.addNamespace({ name: namespace });

    // one declaration per Secret, with the keys of every connector that reads it
    const secretKeys = new Map<string, Set<string>>();
    for (const c of connectors) {
      const keys = secretKeys.get(c.secret) ?? new Set<string>();
      for (const key of CONNECTOR_SECRET_KEYS[c.type]) keys.add(key);
      secretKeys.set(c.secret, keys);
    }
    for (const [name, keys] of secretKeys) {
      const users = connectors.filter((c) => c.secret === name).map((c) => `${c.type} connector "${c.id}"`);
      this.requireSecret({
        namespace,
        name,
        keys: [...keys],
        purpose: `credentials of the ${users.join(' and ')} at the upstream identity provider`,
        generate: (context) => Object.fromEntries([...keys].map((key) => [key, context.outside(`identity-connector/${key}`)])),
      });
    }
    const confidential = clients.filter((c) => !c.public);
    if (confidential.length > 0) {
      this.requireSecret({
        namespace,
        name: DEX_CLIENT_SECRETS,
        keys: confidential.map((c) => c.id),
        purpose: `client secrets of ${confidential.map((c) => c.id).join(', ')} at ${issuer} (each equal to the secret the application holds)`,
        generate: (context) => Object.fromEntries(confidential.map((c) => [c.id, context.shared(oidcClientSecretId(c.id))])),
      });
    }

    const clientEnv: SecretEnvVar[] = confidential.map((c) => ({
      name: clientSecretEnvName(c.id),
      valueFrom: { secretKeyRef: { name: DEX_CLIENT_SECRETS, key: c.id } },
    }));
    const samlCas = connectors.filter((c) => c.type === 'saml').map((c, i) => samlCaVolume(c, i));
    const config: DexConfig = {
      issuer,
      storage: { type: 'kubernetes', config: { inCluster: true } },
      web: { http: `0.0.0.0:${DEX_HTTP_PORT}` },
      telemetry: { http: `0.0.0.0:${DEX_TELEMETRY_PORT}` },
      logger: { level: 'info', format: 'json' },
      oauth2: { skipApprovalScreen: true, responseTypes: ['code'] },
      expiry: { idTokens: '1h', refreshTokens: { validIfNotUsedFor: '12h', absoluteLifetime: '12h' } },
      // no local accounts: every person comes from an upstream provider, which enforces MFA
      enablePasswordDB: false,
      connectors: connectors.map((c) => dexConnector(c, issuer)),
      staticClients: clients.map((c): DexStaticClientConfig => ({
        id: c.id,
        name: c.name,
        redirectURIs: c.redirectURIs,
        ...(c.public ? { public: true as const } : { secretEnv: clientSecretEnvName(c.id) }),
        ...(c.trustedPeers && c.trustedPeers.length > 0 ? { trustedPeers: [...c.trustedPeers].sort() } : {}),
      })),
    };

    new HelmChart<DexValues>(this, 'chart', {
      catalog: props.catalog,
      chart: 'dex',
      namespace,
      // the ClusterRole lets Dex create its CRDs (storage type kubernetes)
      expects: { workloads: ['Deployment/dex'], clusterObjects: ['ClusterRole/dex', 'ClusterRoleBinding/dex-cluster'] },
      values: {
        replicaCount: props.replicas ?? 2,
        config,
        envVars: [...connectors.flatMap((c) => connectorEnv(c)), ...clientEnv],
        volumes: samlCas.map((s) => s.volume),
        volumeMounts: samlCas.map((s) => s.mount),
        // the image's user dex (1001)
        podSecurityContext: restrictedPodSecurityContext({ runAsUser: 1001, runAsGroup: 1001 }),
        securityContext: restrictedContainerSecurityContext(),
        resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '256Mi' } },
        podDisruptionBudget: { enabled: true, minAvailable: 1 },
        // Dex creates its custom resource definitions at start, hence the cluster-scoped role
        rbac: { create: true, createClusterScoped: true },
        // Ingress and Certificate are derived from the endpoint declared below
        ingress: { enabled: false },
        serviceMonitor: { enabled: false },
      },
    });

    this.addEndpoint({ name: 'dex', host: new URL(issuer).hostname, pods: DEX_PODS, service: { name: DEX_SERVICE, port: DEX_HTTP_PORT } });
    this.addMetrics({ name: 'dex', pods: DEX_PODS, port: DEX_TELEMETRY_PORT });
    this.addAlerts(DEX_ALERTS);
    this.addDashboard(DEX_DASHBOARD);
    // the kubernetes storage
    this.addFlow({ from: DEX_PODS, to: { peer: 'api-server' } });
    const ports = upstreamPorts(connectors);
    if (ports.length > 0) {
      this.addFlow({
        from: DEX_PODS,
        to: {
          peer: 'internet',
          reason:
            'token exchange and signing keys (OIDC), binds and searches (LDAP): upstream providers are SaaS or on-premises services at addresses that change',
        },
        ports: ports.map((port) => ({ port })),
        name: 'allow-dex-to-upstream-identity-providers',
      });
    }
  }
}

/** Environment variable with a confidential client's secret, e.g. `CLIENT_SECRET_OPENSEARCH_DASHBOARDS` (not `DEX_`: Dex reads its own settings from DEX_* variables). */
export function clientSecretEnvName(clientId: string): string {
  return `CLIENT_SECRET_${clientId.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

/** A trusted peer Dex does not know would make every login of that peer fail with "peer does not trust client". */
function checkPeers(clients: readonly StaticClient[]): void {
  const ids = new Set(clients.map((c) => c.id));
  for (const c of clients)
    for (const peer of c.trustedPeers ?? [])
      if (!ids.has(peer)) throw new Error(`identity provider: client "${c.id}" trusts "${peer}", which is not a registered client`);
}

/** Problems Dex would only report at start (or not at all); cluster.yaml's are caught at load already. */
function checkConnectors(connectors: readonly ConnectorConfig[]): void {
  if (connectors.length === 0)
    throw new Error(
      'identity provider: at least one upstream identity provider is needed; Dex has no local accounts and does not start without a connector',
    );
  const seen = new Set<string>();
  for (const c of connectors) {
    if (seen.has(c.id)) throw new Error(`identity provider: connector id "${c.id}" is used twice`);
    seen.add(c.id);
    if (c.secret === DEX_CLIENT_SECRETS)
      throw new Error(`identity provider: connector "${c.id}" uses "${c.secret}", the Secret of the client secrets`);
  }
}
