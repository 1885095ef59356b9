import { type ClusterConfig, type Fleet, OIDC_GROUP_PREFIX } from '@ck8s/core';

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
 * @throws Error when neither an issuer nor a service cluster is known
 */
export function oidcSettings(cluster: ClusterConfig, fleet: Fleet): OidcSettings {
  const service = cluster.serviceCluster ? fleet.clusters.get(cluster.serviceCluster) : cluster.profile === 'service' ? cluster : undefined;
  const issuerUrl = cluster.oidc.issuerUrl ?? (service ? `https://dex.${service.domain}` : undefined);
  if (!issuerUrl) throw new Error(`cluster ${cluster.name}: no OIDC issuer; set oidc.issuerUrl or serviceCluster`);
  return {
    issuerUrl,
    clientId: cluster.oidc.clientId ?? `kubernetes-${cluster.name}`,
    usernameClaim: cluster.oidc.usernameClaim,
    groupsClaim: cluster.oidc.groupsClaim,
    usernamePrefix: 'oidc:',
    groupsPrefix: OIDC_GROUP_PREFIX,
  };
}
