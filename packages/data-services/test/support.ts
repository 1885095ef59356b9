import { type ChartCatalog, Component, GITOPS_ENGINE_CONTEXT, Tenant, type TenantConfig, validateClusterConfig } from '@ck8s/core';
import { expect } from 'vitest';
import { connect, testApp } from '../../../test-support/connect.js';
import type { K8sObject } from '../../../test-support/manifests.js';
import { addDataServices, type DataServiceBackup } from '../src/index.js';

/** The cluster's backups the kinds' tests compose with: the platform's daily time, keeping 5 days. */
export const BACKUP: DataServiceBackup = {
  objectStorage: { endpoint: 'https://s3.example.com', bucket: 'backups', region: 'eu-north-1' },
  prefix: 'wc',
  schedule: { cron: '30 1 * * *', timeZone: 'Europe/Stockholm' },
  keep: 5,
};

/** Tenants as the config loader leaves them (defaults applied), of a workload cluster that backs up to BACKUP's bucket. */
export function tenantsOf(raw: readonly Record<string, unknown>[]): TenantConfig[] {
  const { config, problems: found } = validateClusterConfig(
    {
      name: 'wc',
      profile: 'workload',
      environment: 'test',
      kubernetesVersion: '1.33',
      domain: 'wc.example.com',
      serviceCluster: 'sc',
      gitops: { repository: 'ssh://git@git.example.com/fleet.git' },
      certificates: { acmeEmail: 'ops@example.com' },
      backup: { objectStorage: BACKUP.objectStorage },
      tenants: raw,
    },
    'clusters/wc/cluster.yaml',
    'wc',
  );
  expect(found).toEqual([]);
  return config!.tenants;
}

/** The tenants and their data services composed into one app, connected; components by name, and the objects of one. */
export function compose(catalog: ChartCatalog, tenants: TenantConfig[], withBackup = true, engine: 'flux' | 'argocd' = 'flux') {
  const app = testApp();
  app.node.setContext(GITOPS_ENGINE_CONTEXT, engine);
  // the tenants own their namespaces, as in a cluster: the instances' ingress rules are written there
  for (const tenant of tenants) new Tenant(app, { tenant });
  addDataServices(app, { catalog, tenants, file: 'clusters/wc/cluster.yaml', ...(withBackup ? { backup: BACKUP } : {}) });
  connect(app);
  const components = app.node.findAll().filter((c): c is Component => Component.isComponent(c));
  const byName = new Map(components.map((c) => [c.componentName, c]));
  return { byName, objects: (name: string): K8sObject[] => byName.get(name)!.toJson() };
}
