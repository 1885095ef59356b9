// Shared by the tests that need whole cluster configs (the platform's profiles, the CLI): built
// through the real schema, with the fields every cluster needs filled in.
import { type ClusterConfig, type Fleet, validateClusterConfig } from '@ck8s/core';

/** What every test cluster has unless a test says otherwise. */
export const BASE_CONFIG = {
  environment: 'demo',
  kubernetesVersion: '1.33',
  gitops: { repository: 'https://git.example.com/fleet.git' },
  certificates: { acmeEmail: 'ops@example.com' },
  network: { apiServer: { cidrs: ['10.0.0.1/32'] }, serviceClusterCidrs: ['192.0.2.10/32'], objectStorageCidrs: ['198.51.100.0/24'] },
  backup: { objectStorage: { endpoint: 'https://s3.example.com', bucket: 'ck8s-backups', region: 'eu-north-1' } },
} as const;

/** A cluster config through the real schema, `raw` over BASE_CONFIG. @throws Error listing the problems of an invalid config */
export function clusterConfig(raw: Record<string, unknown>): ClusterConfig {
  const { config, problems } = validateClusterConfig({ ...BASE_CONFIG, ...raw }, `clusters/${String(raw.name)}/cluster.yaml`);
  if (!config) throw new Error(problems.map((p) => `${p.path}: ${p.message}`).join('\n'));
  return config;
}

/** A fleet of the given clusters. */
export function fleetOf(...clusters: readonly ClusterConfig[]): Fleet {
  return { clusters: new Map(clusters.map((c) => [c.name, c])) };
}
