// Shared by the data services' tests: the cluster's backup target and tenants as the config loader leaves them.
import { type TenantConfig, validateClusterConfig } from '@ck8s/core';
import { expect } from 'vitest';
import type { DataServiceBackup } from '../src/index.js';

/** The backup target of the test cluster, keeping `keep` daily backups. */
export function testBackup(keep: number): DataServiceBackup {
  return {
    objectStorage: { endpoint: 'https://s3.example.com', bucket: 'backups', region: 'eu-north-1' },
    prefix: 'wc',
    schedule: { cron: '30 1 * * *', timeZone: 'Europe/Stockholm' },
    keep,
  };
}

/** Tenants as the config loader leaves them (defaults applied); fails on any config problem. */
export function tenantsOf(raw: readonly Record<string, unknown>[]): TenantConfig[] {
  const { config, problems } = validateClusterConfig(
    {
      name: 'wc',
      profile: 'workload',
      environment: 'test',
      kubernetesVersion: '1.33',
      domain: 'wc.example.com',
      serviceCluster: 'sc',
      gitops: { repository: 'ssh://git@git.example.com/fleet.git' },
      certificates: { acmeEmail: 'ops@example.com' },
      backup: { objectStorage: testBackup(1).objectStorage },
      tenants: raw,
    },
    'clusters/wc/cluster.yaml',
    'wc',
  );
  expect(problems).toEqual([]);
  return config!.tenants;
}
