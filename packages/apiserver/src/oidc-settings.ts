import { type ClusterConfig, type Fleet, kubernetesOidcClient, OIDC_GROUP_PREFIX } from '@ck8s/core';

/** How the API server authenticates people: the `--oidc-*` settings. */
export interface OidcSettings {
  readonly issuerUrl: string;
  readonly clientId: string;
  readonly usernameClaim: string;
  readonly groupsClaim: string;
  /** Prefix of user names, so an IdP user can never be mistaken for a Kubernetes user. */
  readonly usernamePrefix: string;
  /** Prefix of groups, so an IdP group can never pose as system:masters. */
  readonly groupsPrefix: string;
}

/**
 * OIDC settings of a cluster: the issuer is the identity provider (Dex) of its service
 * cluster unless cluster.yaml says otherwise; the client id is per cluster.
 */
export function oidcSettings(cluster: ClusterConfig, fleet: Fleet): OidcSettings {
  const { issuer, clientId } = kubernetesOidcClient(cluster, fleet);
  return {
    issuerUrl: issuer,
    clientId,
    usernameClaim: cluster.oidc.usernameClaim,
    groupsClaim: cluster.oidc.groupsClaim,
    usernamePrefix: 'oidc:',
    groupsPrefix: OIDC_GROUP_PREFIX,
  };
}
