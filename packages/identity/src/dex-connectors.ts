import type { ClusterConfig } from '@ck8s/core';

/** One upstream identity provider as cluster.yaml describes it. */
export type ConnectorConfig = ClusterConfig['identity']['connectors'][number];

/** Keys the sops Secret of a connector must hold, by connector type. */
export const CONNECTOR_SECRET_KEYS = {
  oidc: ['client-id', 'client-secret'],
  saml: ['ca.crt'],
  ldap: ['bind-dn', 'bind-password'],
} as const satisfies Record<ConnectorConfig['type'], readonly string[]>;

/** Where the CA of a SAML connector is mounted in the Dex pods. */
export const SAML_CA_DIR = '/etc/dex/saml';

/** A Dex connector (`connectors[]` of Dex's config). */
export interface DexConnector {
  readonly type: 'oidc' | 'saml' | 'ldap';
  readonly id: string;
  readonly name: string;
  readonly config: Record<string, unknown>;
}

/** An environment variable of the Dex container read from a Secret. */
export interface SecretEnvVar {
  readonly name: string;
  readonly valueFrom: { readonly secretKeyRef: { readonly name: string; readonly key: string } };
}

/** A volume of the Dex pods with the CA of a SAML connector, and where it is mounted. */
export interface SamlCaVolume {
  readonly volume: {
    readonly name: string;
    readonly secret: { readonly secretName: string; readonly items: readonly { readonly key: string; readonly path: string }[] };
  };
  readonly mount: { readonly name: string; readonly mountPath: string; readonly readOnly: true };
}

/** `client-secret` of connector `corp-sso` becomes `CONNECTOR_CORP_SSO_CLIENT_SECRET` (ids are DNS labels, so names never collide). */
export function connectorEnvName(connector: Pick<ConnectorConfig, 'id'>, key: string): string {
  return `CONNECTOR_${snake(connector.id)}_${snake(key)}`;
}

/** The environment variables that carry a connector's credentials from its Secret into Dex. */
export function connectorEnv(connector: ConnectorConfig): SecretEnvVar[] {
  // a SAML CA is a file (see samlCaVolume), not a variable
  if (connector.type === 'saml') return [];
  return CONNECTOR_SECRET_KEYS[connector.type].map((key) => ({
    name: connectorEnvName(connector, key),
    valueFrom: { secretKeyRef: { name: connector.secret, key } },
  }));
}

/**
 * The CA of a SAML connector as a file: Dex takes a SAML CA as a path (`ca`) or as base64 of the
 * PEM (`caData`); an environment variable would carry the raw PEM, so the key is mounted instead.
 */
export function samlCaVolume(connector: ConnectorConfig, index: number): SamlCaVolume {
  // by position: `saml-ca-` plus a 63-character id would not be a valid volume name
  const name = `saml-ca-${index}`;
  return {
    volume: { name, secret: { secretName: connector.secret, items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
    mount: { name, mountPath: `${SAML_CA_DIR}/${connector.id}`, readOnly: true },
  };
}

/**
 * The Dex connector for an upstream identity provider. Credentials are never in the config: Dex
 * expands `$VAR` in connector configs from its environment (connectorEnv), and the SAML CA is a
 * mounted file. Groups come from the upstream provider unchanged, so RBAC can name them:
 *
 * - oidc: the `groups` claim of the upstream ID token (`insecureEnableGroups`; the upstream must be
 *   configured to issue it), unverified e-mail addresses are refused;
 * - saml: the `groups` attribute of the assertion;
 * - ldap: LDAPS to `host`, users by `mail` (or any `person`) under `userBaseDn`, groups whose
 *   `member` is the user's DN under `groupBaseDn` (`groupOfNames` in OpenLDAP, `group` in Active
 *   Directory). Without `groupBaseDn` users get no groups.
 */
export function dexConnector(connector: ConnectorConfig, issuer: string): DexConnector {
  const callback = `${issuer}/callback`;
  const env = (key: string): string => `$${connectorEnvName(connector, key)}`;
  const head = { type: connector.type, id: connector.id, name: connector.name };
  switch (connector.type) {
    case 'oidc':
      return {
        ...head,
        config: {
          issuer: connector.issuer,
          clientID: env('client-id'),
          clientSecret: env('client-secret'),
          redirectURI: callback,
          scopes: ['openid', 'profile', 'email'],
          insecureEnableGroups: true,
          insecureSkipEmailVerified: false,
        },
      };
    case 'saml':
      return {
        ...head,
        config: {
          ssoURL: connector.ssoUrl,
          ca: `${SAML_CA_DIR}/${connector.id}/ca.crt`,
          redirectURI: callback,
          entityIssuer: callback,
          usernameAttr: 'name',
          emailAttr: 'email',
          groupsAttr: 'groups',
          nameIDPolicyFormat: 'persistent',
        },
      };
    case 'ldap':
      return {
        ...head,
        config: {
          host: connector.host,
          // LDAPS only: the bind password never crosses the network in clear text
          insecureNoSSL: false,
          startTLS: false,
          bindDN: env('bind-dn'),
          bindPW: env('bind-password'),
          usernamePrompt: 'E-mail address',
          userSearch: {
            baseDN: connector.userBaseDn,
            filter: '(objectClass=person)',
            username: 'mail',
            idAttr: 'DN',
            emailAttr: 'mail',
            nameAttr: 'cn',
          },
          ...(connector.groupBaseDn
            ? {
                groupSearch: {
                  baseDN: connector.groupBaseDn,
                  filter: '(|(objectClass=groupOfNames)(objectClass=group))',
                  userMatchers: [{ userAttr: 'DN', groupAttr: 'member' }],
                  nameAttr: 'cn',
                },
              }
            : {}),
        },
      };
  }
}

/** TCP ports Dex connects to upstream: each OIDC issuer's port (443 by default) and each LDAP server's port. */
export function upstreamPorts(connectors: readonly ConnectorConfig[]): number[] {
  const ports = new Set<number>();
  for (const c of connectors) {
    if (c.type === 'oidc' && c.issuer) {
      const url = new URL(c.issuer);
      ports.add(url.port ? Number(url.port) : 443);
    }
    if (c.type === 'ldap' && c.host) ports.add(Number(c.host.slice(c.host.lastIndexOf(':') + 1)));
  }
  return [...ports].sort((a, b) => a - b);
}

function snake(value: string): string {
  return value.toUpperCase().replace(/[^A-Z0-9]/g, '_');
}
