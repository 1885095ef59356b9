import { type ClusterConfig, ConfigError, type ConfigProblem, type Fleet, serviceEndpoints } from '@ck8s/core';

/** sops Secret in namespace dex with the secret of every confidential client, one key per client id. */
export const DEX_CLIENT_SECRETS = 'dex-client-secrets';

/** Client ids of the platform's web applications; each component uses the same id on its side. */
export const PLATFORM_CLIENT_IDS = {
  grafana: 'grafana',
  logDashboards: 'opensearch-dashboards',
  registry: 'harbor',
} as const;

/**
 * Redirect URIs of `kubectl oidc-login` (kubelogin): it listens on localhost:8000 and falls back
 * to localhost:18000 when that port is taken.
 */
export const KUBERNETES_LOGIN_REDIRECT_URIS: readonly string[] = ['http://localhost:8000', 'http://localhost:18000'];

/** A client registered with the identity provider. */
export interface StaticClient {
  /** OAuth2 client id. */
  readonly id: string;
  /** Name shown on the approval and login pages. */
  readonly name: string;
  readonly redirectURIs: readonly string[];
  /**
   * A public client has no secret (kubectl on a laptop cannot keep one) and must use PKCE; a
   * confidential client's secret is the key `id` of the Secret DEX_CLIENT_SECRETS.
   */
  readonly public: boolean;
  /** For a Kubernetes API client: the cluster whose API server accepts its tokens. @default none */
  readonly cluster?: string;
}

/** The client id of a cluster's Kubernetes API: `oidc.clientId`, or `kubernetes-<cluster>` (as the apiserver package sets it). */
export function kubernetesClientId(cluster: ClusterConfig): string {
  return cluster.oidc.clientId ?? `kubernetes-${cluster.name}`;
}

/**
 * The clients of a service cluster's identity provider, in a stable order:
 *
 * - one Kubernetes API client per cluster whose API server trusts this issuer: the service cluster
 *   itself and every workload cluster of the fleet whose `serviceCluster` is this cluster (a cluster
 *   that sets `oidc.issuerUrl` to another issuer is left out, its API server never sees these
 *   tokens). Public, for `kubectl oidc-login`;
 * - `grafana`, `opensearch-dashboards` and `harbor` when this cluster runs metrics, logging and the
 *   registry, with the redirect URIs those components register.
 *
 * @throws Error when the cluster is not a service cluster
 * @throws ConfigError when two clusters claim the same client id
 */
export function staticClients(cluster: ClusterConfig, fleet: Fleet): StaticClient[] {
  if (cluster.profile !== 'service') {
    throw new Error(`identity provider: cluster "${cluster.name}" has profile "${cluster.profile}"; only a service cluster registers clients`);
  }
  const endpoints = serviceEndpoints(cluster.domain);
  const issuer = endpoints.identity;
  const workloads = [...fleet.clusters.values()].filter((c) => c.profile === 'workload' && c.serviceCluster === cluster.name).sort((a, b) => a.name.localeCompare(b.name));
  const apiClusters = [cluster, ...workloads].filter((c) => c.oidc.issuerUrl === undefined || c.oidc.issuerUrl.replace(/\/$/, '') === issuer);

  const clients: StaticClient[] = apiClusters.map((c) => ({
    id: kubernetesClientId(c),
    name: `Kubernetes API (${c.name})`,
    redirectURIs: [...KUBERNETES_LOGIN_REDIRECT_URIS],
    public: true,
    cluster: c.name,
  }));
  if (cluster.observability.enabled) {
    clients.push({ id: PLATFORM_CLIENT_IDS.grafana, name: 'Grafana', redirectURIs: [`${endpoints.grafana}/login/generic_oauth`], public: false });
  }
  if (cluster.logging.enabled) {
    clients.push({ id: PLATFORM_CLIENT_IDS.logDashboards, name: 'OpenSearch Dashboards', redirectURIs: [`${endpoints.logDashboards}/auth/openid/login`], public: false });
  }
  if (cluster.registry.enabled) {
    clients.push({ id: PLATFORM_CLIENT_IDS.registry, name: 'Harbor', redirectURIs: [`https://${endpoints.registry}/c/oidc/callback`], public: false });
  }

  const problems: ConfigProblem[] = [];
  const seen = new Map<string, StaticClient>();
  for (const client of clients) {
    const first = seen.get(client.id);
    if (!first) {
      seen.set(client.id, client);
      continue;
    }
    // the platform's own ids are fixed, so the clash is always some cluster's oidc.clientId
    const culprit = client.cluster ? client : first;
    const other = culprit === client ? first : client;
    problems.push({
      file: `clusters/${culprit.cluster}/cluster.yaml`,
      path: 'oidc.clientId',
      message: `"${client.id}" is already the client id of ${other.cluster ? `cluster ${other.cluster}` : other.name}; every client of ${issuer} needs its own id`,
    });
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return clients;
}
