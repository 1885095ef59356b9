import { ChartCatalog } from '@ck8s/core';
import type { RegistryProps, RegistryTenant } from '../src/index.js';

/** The version is deliberately not the pinned one: the component must take it from the catalog. */
export const catalog = new ChartCatalog([{ name: 'harbor', repository: 'https://helm.goharbor.io', chart: 'harbor', version: '9.9.9' }]);

export const storage = { endpoint: 'https://s3.example.com', bucket: 'ck8s-registry', region: 'eu-north-1' };

/** Tenants of two workload clusters, deliberately out of order. */
export const tenants: RegistryTenant[] = [
  { cluster: 'wc-b', tenant: 'team-a', adminGroups: [], viewGroups: [] },
  { cluster: 'wc-a', tenant: 'team-b', adminGroups: ['team-b-admins'], viewGroups: [] },
  { cluster: 'wc-a', tenant: 'team-a', adminGroups: ['team-a-leads', 'team-a-admins'], viewGroups: ['team-a-developers'] },
];

/** The registry of service cluster sc as its profile configures it. */
export const props: RegistryProps = {
  catalog,
  host: 'registry.sc.example.com',
  clusterName: 'sc',
  storage,
  issuer: 'https://dex.sc.example.com',
  adminGroup: 'platform-operators',
  tenants,
  blockSeverity: 'critical',
  robotAccounts: ['ci', 'release'],
};
