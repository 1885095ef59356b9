import type { k8s } from 'cdk8s-plus-28';

/**
 * Pod-level security context of the Pod Security Standards "restricted" profile, for every
 * workload the platform itself generates. Callers override fields explicitly, never by omission.
 */
export function restrictedPodSecurityContext(overrides: Partial<k8s.PodSecurityContext> = {}): k8s.PodSecurityContext {
  return {
    runAsNonRoot: true,
    seccompProfile: { type: 'RuntimeDefault' },
    ...overrides,
  };
}

/** Container-level security context of the "restricted" profile plus a read-only root filesystem. */
export function restrictedContainerSecurityContext(overrides: Partial<k8s.SecurityContext> = {}): k8s.SecurityContext {
  return {
    allowPrivilegeEscalation: false,
    capabilities: { drop: ['ALL'] },
    privileged: false,
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
    seccompProfile: { type: 'RuntimeDefault' },
    ...overrides,
  };
}

/** The same defaults as plain Helm values (camelCase keys, as most charts expect). */
export function restrictedSecurityContextValues(): { podSecurityContext: Record<string, unknown>; securityContext: Record<string, unknown> } {
  return {
    podSecurityContext: { ...restrictedPodSecurityContext() },
    securityContext: { ...restrictedContainerSecurityContext() },
  };
}
