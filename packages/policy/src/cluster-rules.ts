import type { ClusterConfig, Fleet } from '@ck8s/core';
import type { AdmissionRule } from './admission-rule.js';
import { allowedRegistries } from './default-registries.js';
import { platformRules } from './platform-rules.js';
import { POD_SECURITY_RULES } from './pod-security-rules.js';

/** Every admission rule a cluster enforces: the Pod Security Standards, then the platform rules. */
export function clusterRules(cluster: ClusterConfig, fleet: Fleet): AdmissionRule[] {
  return [...POD_SECURITY_RULES, ...platformRules({ allowedRegistries: allowedRegistries(cluster, fleet) })];
}
