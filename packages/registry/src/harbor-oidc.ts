/** Client id of Harbor at the identity provider; the identity provider registers it with the redirect below. */
export const HARBOR_OIDC_CLIENT_ID = 'harbor';
/** Path of Harbor's OIDC callback, appended to its external URL. */
export const HARBOR_OIDC_REDIRECT_PATH = '/c/oidc/callback';
/** sops Secret with Harbor's client secret at the identity provider. */
export const HARBOR_OIDC_SECRET = { name: 'harbor-oidc', key: 'client-secret' } as const;
/** Environment variable of the core container that holds the client secret. */
export const HARBOR_OIDC_SECRET_ENV = 'HARBOR_OIDC_CLIENT_SECRET';

/** Harbor's authentication settings as `CONFIG_OVERWRITE_JSON` takes them (the keys of `PUT /api/v2.0/configurations`). */
export interface HarborOidcSettings {
  readonly auth_mode: 'oidc_auth';
  readonly oidc_name: string;
  readonly oidc_endpoint: string;
  readonly oidc_client_id: string;
  readonly oidc_client_secret: string;
  readonly oidc_scope: string;
  readonly oidc_verify_cert: true;
  readonly oidc_auto_onboard: true;
  readonly oidc_user_claim: string;
  readonly oidc_groups_claim: string;
  /** Members of this group are Harbor system administrators. @default none */
  readonly oidc_admin_group?: string;
}

/**
 * Single sign-on through the service cluster's identity provider (client `harbor`). Users are created
 * on first login, named by their e-mail address; groups come from the `groups` claim, so tenant
 * projects can name the tenants' groups; the first of `rbac.operatorGroups` administers Harbor
 * (Harbor takes one admin group). The client secret is the Kubernetes reference
 * `$(HARBOR_OIDC_CLIENT_SECRET)`: kubelet replaces it with the variable from the Secret when it starts
 * the container, so the value is in neither git nor the HelmRelease (it must therefore contain no `"`
 * or `\\`; use `openssl rand -hex 32`).
 */
export interface HarborOidcProps {
  /** The OIDC issuer. */
  readonly issuer: string;
  /** Claims of the identity token that hold the user name and the groups. */
  readonly claims: { readonly username: string; readonly groups: string };
  /** Members of this identity-provider group are Harbor system administrators. @default none */
  readonly adminGroup?: string;
}

export function harborOidcSettings(props: HarborOidcProps): HarborOidcSettings {
  return {
    auth_mode: 'oidc_auth',
    oidc_name: 'Single sign-on',
    oidc_endpoint: props.issuer,
    oidc_client_id: HARBOR_OIDC_CLIENT_ID,
    oidc_client_secret: `$(${HARBOR_OIDC_SECRET_ENV})`,
    // offline_access: Harbor refreshes the token behind a user's CLI secret instead of logging them out
    oidc_scope: 'openid,profile,email,groups,offline_access',
    oidc_verify_cert: true,
    oidc_auto_onboard: true,
    oidc_user_claim: props.claims.username,
    oidc_groups_claim: props.claims.groups,
    ...(props.adminGroup ? { oidc_admin_group: props.adminGroup } : {}),
  };
}
