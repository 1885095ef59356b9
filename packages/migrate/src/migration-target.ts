import * as path from 'node:path';
import { type ClusterConfig, type Fleet, tenantNamespaces, type Workspace } from '@ck8s/core';
import { allowedRegistries, clusterRules, tenantExceptions } from '@ck8s/policy';
import type { AdmissionTarget } from './admission-precheck.js';

/** The cluster the workloads move to: its Kubernetes version, admission and the schema mirror to check API versions with. */
export interface MigrationTarget {
  readonly cluster: string;
  readonly kubernetesVersion: string;
  readonly admission: AdmissionTarget;
  /** Absolute path of the schema mirror; undefined when the workspace has none (API versions are not checked). */
  readonly schemaMirror?: string;
}

/**
 * The target as `ck8s policy eval --cluster` sees it: the cluster's rules (Pod Security Standards
 * and platform rules with its allowed registries), its configured and tenant-implied exceptions,
 * its tenant namespaces.
 */
export function migrationTarget(
  workspace: Workspace,
  fleet: Fleet,
  cluster: ClusterConfig,
  options: { readonly namespace?: string } = {},
): MigrationTarget {
  const mirror = workspace.settings.validation.schemaMirror;
  return {
    cluster: cluster.name,
    kubernetesVersion: cluster.kubernetesVersion,
    admission: {
      rules: clusterRules(cluster, fleet),
      exceptions: [...cluster.policy.exceptions, ...tenantExceptions(cluster)].map(({ namespace, rule }) => ({ namespace, rule })),
      allowedRegistries: allowedRegistries(cluster, fleet),
      namespaces: tenantNamespaces(cluster),
      ...(options.namespace ? { namespace: options.namespace } : {}),
    },
    ...(mirror ? { schemaMirror: path.resolve(workspace.root, mirror) } : {}),
  };
}
