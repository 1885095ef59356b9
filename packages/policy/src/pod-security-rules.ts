import type { AdmissionRule } from './admission-rule.js';
import { podSecurityBaselineRules } from './pod-security-baseline.js';
import { podSecurityRestrictedRules } from './pod-security-restricted.js';
import { NEWEST_POD_SECURITY_VERSION, podSecurityPolicyVersion, type PodSecurityVersion } from './pod-security-versions.js';

/**
 * The complete Pod Security Standards of one policy version as admission rules, the version a
 * cluster's namespaces pin (`pod-security.kubernetes.io/enforce-version`), so the admission policies
 * and `ck8s policy eval` judge a pod as the cluster's Pod Security Admission does: the baseline
 * checks, then the checks restricted adds. Upstream's restricted level replaces a few baseline
 * checks with stricter ones (hostPath volumes, capabilities, seccomp, procMount from 1.35); here both
 * run, which admits and denies the same pods, the stricter rule naming the problem too.
 * @param kubernetesVersion the cluster's `kubernetesVersion` (`1.33`, `1.33.4`) or a policy version (`v1.33`)
 * @throws Error naming the supported minors when the version is not one of them
 */
export function podSecurityRules(kubernetesVersion: string): AdmissionRule[] {
  return rulesOf(podSecurityPolicyVersion(kubernetesVersion));
}

function rulesOf(policy: PodSecurityVersion): AdmissionRule[] {
  return [...podSecurityBaselineRules(policy), ...podSecurityRestrictedRules(policy)].map((rule) => ({
    ...rule,
    podSecurityVersion: policy.version,
  }));
}

/** The Pod Security rules of the newest supported Kubernetes minor, for evaluation without a cluster. */
export const POD_SECURITY_RULES: readonly AdmissionRule[] = rulesOf(NEWEST_POD_SECURITY_VERSION);
