import type { ClusterConfig, Fleet } from '@ck8s/core';
import type { AdmissionRule } from './admission-rule.js';
import { allowedRegistries } from './default-registries.js';
import { platformRules } from './platform-rules.js';
import { podSecurityRules } from './pod-security-rules.js';

/** Every admission rule a cluster enforces: the Pod Security Standards of its Kubernetes version, then the platform rules. */
export function clusterRules(cluster: ClusterConfig, fleet: Fleet): AdmissionRule[] {
  return [
    ...podSecurityRules(cluster.kubernetesVersion),
    ...platformRules({ allowedRegistries: allowedRegistries(cluster, fleet), engine: cluster.gitops.engine }),
  ];
}
