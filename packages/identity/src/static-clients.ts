import { DEX_CLIENT_SECRETS } from '@ck8s/core';

/** sops Secret in namespace dex with the secret of every confidential client, one key per client id. */
export { DEX_CLIENT_SECRETS };

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
  /**
   * Clients that may obtain ID tokens for this one (scope `audience:server:client_id:<this id>`):
   * a web UI that passes the person's token to this client's API server. @default none
   */
  readonly trustedPeers?: readonly string[];
}

/** The public client of a cluster's Kubernetes API, for `kubectl oidc-login`. */
export function kubernetesApiClient(cluster: string, clientId: string): StaticClient {
  return { id: clientId, name: `Kubernetes API (${cluster})`, redirectURIs: [...KUBERNETES_LOGIN_REDIRECT_URIS], public: true, cluster };
}
