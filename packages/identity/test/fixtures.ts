import { ChartCatalog } from '@ck8s/core';
import type { ConnectorConfig } from '../src/dex-connectors.js';
import { kubernetesApiClient, type StaticClient } from '../src/static-clients.js';

/** The version is deliberately not the pinned one: the component must take it from the catalog. */
export const catalog = new ChartCatalog([{ name: 'dex', repository: 'https://charts.dexidp.io', chart: 'dex', version: '9.9.9' }]);

export const ISSUER = 'https://dex.sc.example.com';

export const connectors: ConnectorConfig[] = [
  { type: 'oidc', id: 'entra', name: 'Microsoft Entra ID', secret: 'dex-entra', issuer: 'https://login.microsoftonline.com/tenant-id/v2.0' },
  { type: 'saml', id: 'corp-saml', name: 'Corporate SAML', secret: 'dex-saml', ssoUrl: 'https://idp.example.com/sso' },
  {
    type: 'ldap',
    id: 'ad',
    name: 'Active Directory',
    secret: 'dex-ldap',
    host: 'ldap.example.com:636',
    userBaseDn: 'ou=users,dc=example,dc=com',
    groupBaseDn: 'ou=groups,dc=example,dc=com',
  },
];

/** The clients of sc's Dex: its own and a workload cluster's Kubernetes API, and the web applications its components declare. */
export const clients: StaticClient[] = [
  kubernetesApiClient('sc', 'kubernetes-sc'),
  kubernetesApiClient('wc-b', 'k8s-team-b'),
  { id: 'grafana', name: 'Grafana', redirectURIs: ['https://grafana.sc.example.com/login/generic_oauth'], public: false },
  {
    id: 'opensearch-dashboards',
    name: 'OpenSearch Dashboards',
    redirectURIs: ['https://opensearch-dashboards.sc.example.com/auth/openid/login'],
    public: false,
  },
  { id: 'harbor', name: 'Harbor', redirectURIs: ['https://registry.sc.example.com/c/oidc/callback'], public: false },
];
