import {
  apiServerPeer,
  type ChartCatalog,
  type ClusterConfig,
  Component,
  ConfigError,
  type ConfigProblem,
  type Fleet,
  HardenedNamespace,
  HelmChart,
  NetworkAllow,
  type NetworkPeer,
  PLATFORM_NAMESPACES,
  PROMETHEUS_PEER,
  serviceEndpoints,
} from '@ck8s/core';
import type { Construct } from 'constructs';
import { CONNECTOR_SECRET_KEYS, type ConnectorConfig, connectorEnv, dexConnector, samlCaVolume, type SecretEnvVar, upstreamPorts } from './dex-connectors.js';
import type { DexConfig, DexStaticClientConfig, DexValues } from './dex-values.js';
import { DEX_HTTP_PORT, DEX_PODS, DEX_TELEMETRY_PORT, type IdentityEndpoint, identityEndpoints, IDENTITY_NAMESPACE } from './identity-endpoints.js';
import { DEX_CLIENT_SECRETS, type StaticClient, staticClients } from './static-clients.js';

export interface IdentityProviderProps {
  /** A service cluster. */
  readonly cluster: ClusterConfig;
  /** The fleet: every workload cluster of this service cluster gets a Kubernetes API client. */
  readonly fleet: Fleet;
  readonly catalog: ChartCatalog;
  /** Pod Security Standards version of the `dex` namespace, e.g. `v1.33`. @default 'latest' */
  readonly podSecurityVersion?: string;
  /** Dex replicas; they share their state through the Kubernetes storage. @default 2 */
  readonly replicas?: number;
}

/** The ingress-nginx controller pods, as that chart labels them. */
const INGRESS_CONTROLLER: NetworkPeer = {
  namespace: PLATFORM_NAMESPACES.ingress,
  podLabels: { 'app.kubernetes.io/name': 'ingress-nginx', 'app.kubernetes.io/component': 'controller' },
};

/** Anywhere: upstream identity providers are SaaS or on-premises services at addresses that change. */
const ANYWHERE: NetworkPeer = { cidrs: ['0.0.0.0/0', '::/0'] };

/**
 * Single sign-on for the platform (`controllers/dex.yaml`): Dex in the restricted `dex` namespace of
 * a service cluster, issuer `https://dex.<domain>`, federating the upstream identity providers of
 * `identity.connectors` (OIDC, SAML, LDAP; see dexConnector) and passing their groups through in the
 * `groups` claim, which the API servers prefix with `oidc:` and RBAC binds.
 *
 * - Clients (see staticClients): one public client per Kubernetes API server that trusts this issuer
 *   (`kubernetes-<cluster>` or its `oidc.clientId`, for `kubectl oidc-login` with the redirect
 *   `http://localhost:8000`/`18000`; ask for the extra scopes `email groups offline_access`), and the confidential
 *   clients `grafana`, `opensearch-dashboards` and `harbor`, whose secrets are the keys of the sops
 *   Secret `dex/dex-client-secrets`; each must equal the secret the application holds
 *   (`monitoring/grafana-oidc`, `opensearch/opensearch-dashboards-oidc`, `harbor/harbor-oidc`, key
 *   `client-secret`). Use URL-safe random values (`openssl rand -hex 32`).
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
 * Certificate and Ingress of `dex.<domain>` are the caller's: see `endpoints`.
 *
 * @throws Error when the cluster is not a service cluster
 * @throws ConfigError when no connector is configured, connector ids repeat, a connector uses the
 *   client secrets' name, two clusters share a client id, or `network.apiServer` is missing
 */
export class IdentityProvider extends Component {
  /** The endpoints this component serves; the caller creates their Certificates and Ingresses. */
  public readonly endpoints: readonly IdentityEndpoint[];
  /** The registered clients (ids, redirect URIs, public or confidential). */
  public readonly clients: readonly StaticClient[];

  constructor(scope: Construct, id: string, props: IdentityProviderProps) {
    const { cluster } = props;
    if (cluster.profile !== 'service') {
      throw new Error(`identity provider: cluster "${cluster.name}" has profile "${cluster.profile}"; Dex runs in service clusters only, workload clusters use their service cluster's issuer`);
    }
    super(scope, id, { layer: 'controllers' });
    const namespace = IDENTITY_NAMESPACE;
    const connectors = cluster.identity.connectors;
    checkConnectors(cluster);
    const issuer = serviceEndpoints(cluster.domain).identity;
    this.endpoints = identityEndpoints(cluster);
    this.clients = staticClients(cluster, props.fleet);
    const toApiServer = apiServerPeer(cluster, 'dex (kubernetes storage)');

    new HardenedNamespace(this, 'namespace', { name: namespace, ...(props.podSecurityVersion ? { podSecurityVersion: props.podSecurityVersion } : {}) });

    // one declaration per Secret, with the keys of every connector that reads it
    const secretKeys = new Map<string, Set<string>>();
    for (const c of connectors) {
      const keys = secretKeys.get(c.secret) ?? new Set<string>();
      for (const key of CONNECTOR_SECRET_KEYS[c.type]) keys.add(key);
      secretKeys.set(c.secret, keys);
    }
    for (const [name, keys] of secretKeys) {
      const users = connectors.filter((c) => c.secret === name).map((c) => `${c.type} connector "${c.id}"`);
      this.requireSecret({ namespace, name, keys: [...keys], purpose: `credentials of the ${users.join(' and ')} at the upstream identity provider` });
    }
    const confidential = this.clients.filter((c) => !c.public);
    if (confidential.length > 0) {
      this.requireSecret({
        namespace,
        name: DEX_CLIENT_SECRETS,
        keys: confidential.map((c) => c.id),
        purpose: `client secrets of ${confidential.map((c) => c.id).join(', ')} at ${issuer} (each equal to the secret the application holds)`,
      });
    }

    const clientEnv: SecretEnvVar[] = confidential.map((c) => ({ name: clientSecretEnvName(c.id), valueFrom: { secretKeyRef: { name: DEX_CLIENT_SECRETS, key: c.id } } }));
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
      staticClients: this.clients.map((c): DexStaticClientConfig => ({
        id: c.id,
        name: c.name,
        redirectURIs: c.redirectURIs,
        ...(c.public ? { public: true as const } : { secretEnv: clientSecretEnvName(c.id) }),
      })),
    };

    new HelmChart<DexValues>(this, 'chart', {
      catalog: props.catalog,
      chart: 'dex',
      namespace,
      values: {
        replicaCount: props.replicas ?? 2,
        config,
        envVars: [...connectors.flatMap((c) => connectorEnv(c)), ...clientEnv],
        volumes: samlCas.map((s) => s.volume),
        volumeMounts: samlCas.map((s) => s.mount),
        // the image's user dex (1001)
        podSecurityContext: { runAsNonRoot: true, runAsUser: 1001, runAsGroup: 1001, seccompProfile: { type: 'RuntimeDefault' } },
        securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] }, runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
        resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '256Mi' } },
        podDisruptionBudget: { enabled: true, minAvailable: 1 },
        // Dex creates its custom resource definitions at start, hence the cluster-scoped role
        rbac: { create: true, createClusterScoped: true },
        // Ingress and Certificate come from the caller (endpoints)
        ingress: { enabled: false },
        serviceMonitor: { enabled: false },
      },
    });

    new NetworkAllow(this, 'from-ingress', { namespace, name: 'allow-dex-from-ingress', direction: 'ingress', podLabels: DEX_PODS, peers: [INGRESS_CONTROLLER], ports: [{ port: DEX_HTTP_PORT }] });
    new NetworkAllow(this, 'metrics', { namespace, name: 'allow-dex-metrics-from-prometheus', direction: 'ingress', podLabels: DEX_PODS, peers: [PROMETHEUS_PEER], ports: [{ port: DEX_TELEMETRY_PORT }] });
    new NetworkAllow(this, 'to-api-server', { namespace, name: 'allow-dex-to-api-server', direction: 'egress', podLabels: DEX_PODS, ...toApiServer });
    const ports = upstreamPorts(connectors);
    if (ports.length > 0) {
      // token exchange and signing keys (OIDC), binds and searches (LDAP); see the class comment for 0.0.0.0/0
      new NetworkAllow(this, 'to-upstream', {
        namespace,
        name: 'allow-dex-to-upstream-identity-providers',
        direction: 'egress',
        podLabels: DEX_PODS,
        peers: [ANYWHERE],
        ports: ports.map((port) => ({ port })),
      });
    }
  }
}

/** Environment variable with a confidential client's secret, e.g. `CLIENT_SECRET_OPENSEARCH_DASHBOARDS` (not `DEX_`: Dex reads its own settings from DEX_* variables). */
export function clientSecretEnvName(clientId: string): string {
  return `CLIENT_SECRET_${clientId.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

/** Problems Dex would only report at start (or not at all), reported at synth instead. */
function checkConnectors(cluster: ClusterConfig): void {
  const file = `clusters/${cluster.name}/cluster.yaml`;
  const connectors: readonly ConnectorConfig[] = cluster.identity.connectors;
  const problems: ConfigProblem[] = [];
  if (connectors.length === 0) {
    problems.push({
      file,
      path: 'identity.connectors',
      message: 'must list at least one upstream identity provider (oidc, saml or ldap): Dex has no local accounts and does not start without a connector; or set identity.enabled: false',
    });
  }
  const seen = new Map<string, number>();
  connectors.forEach((c, i) => {
    const first = seen.get(c.id);
    if (first !== undefined) problems.push({ file, path: `identity.connectors[${i}].id`, message: `"${c.id}" is already the id of identity.connectors[${first}]; connector ids must be unique` });
    else seen.set(c.id, i);
    if (c.secret === DEX_CLIENT_SECRETS) {
      problems.push({ file, path: `identity.connectors[${i}].secret`, message: `"${c.secret}" is the Secret of the platform's client secrets; choose another name` });
    }
  });
  if (problems.length > 0) throw new ConfigError(problems);
}
