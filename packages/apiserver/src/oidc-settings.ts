import { OIDC_GROUP_PREFIX } from '@ck8s/core';

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

/** The API server's OIDC client: the identity provider it trusts and the claims it reads. */
export interface OidcClientProps {
  /** URL of the identity provider (for the platform, the service cluster's Dex unless cluster.yaml names another). */
  readonly issuerUrl: string;
  /** Client id tokens must be issued for (for the platform, one per cluster). */
  readonly clientId: string;
  /** Claim used as the user name. @default 'email' */
  readonly usernameClaim?: string;
  /** Claim that lists the user's groups. @default 'groups' */
  readonly groupsClaim?: string;
}

/** The API server's OIDC settings for a client, with the prefixes the platform always sets. */
export function oidcSettings(props: OidcClientProps): OidcSettings {
  return {
    issuerUrl: props.issuerUrl,
    clientId: props.clientId,
    usernameClaim: props.usernameClaim ?? 'email',
    groupsClaim: props.groupsClaim ?? 'groups',
    usernamePrefix: 'oidc:',
    groupsPrefix: OIDC_GROUP_PREFIX,
  };
}
