import type { AdmissionRule } from './admission-rule.js';
import { POD_SECURITY_BASELINE_RULES } from './pod-security-baseline.js';
import { POD_SECURITY_RESTRICTED_RULES } from './pod-security-restricted.js';

/**
 * The complete Pod Security Standards (Kubernetes 1.37 policy) as admission rules: the baseline
 * checks, then the checks restricted adds. Upstream's restricted level replaces a few baseline checks
 * with stricter ones (hostPath volumes, capabilities, seccomp, procMount); here both run, which
 * admits and denies the same pods, the stricter rule naming the problem too.
 */
export const POD_SECURITY_RULES: readonly AdmissionRule[] = [...POD_SECURITY_BASELINE_RULES, ...POD_SECURITY_RESTRICTED_RULES];
