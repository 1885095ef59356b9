/**
 * The restricted Pod Security profile as plain values, the one definition every workload the
 * platform deploys uses (in chart values and in its own objects), so no copy can drift.
 * Overrides are explicit; a field is never weakened by leaving it out.
 */

/** Pod-level security context: non-root, RuntimeDefault seccomp. */
export interface PodSecurityContextValues {
  readonly runAsNonRoot: boolean;
  readonly seccompProfile: { readonly type: string };
  readonly runAsUser?: number;
  readonly runAsGroup?: number;
  readonly fsGroup?: number;
  readonly [field: string]: unknown;
}

/** Container-level security context: no privilege, no escalation, no capabilities, read-only root, non-root, RuntimeDefault seccomp. */
export interface ContainerSecurityContextValues {
  readonly allowPrivilegeEscalation: boolean;
  readonly capabilities: { readonly drop: readonly string[]; readonly add?: readonly string[] };
  readonly privileged: boolean;
  readonly readOnlyRootFilesystem: boolean;
  readonly runAsNonRoot: boolean;
  readonly seccompProfile: { readonly type: string };
  readonly runAsUser?: number;
  readonly runAsGroup?: number;
  readonly [field: string]: unknown;
}

/** The restricted pod-level security context, with the given fields set (a user id, an fsGroup, ...). */
export function restrictedPodSecurityContext(overrides: Partial<PodSecurityContextValues> = {}): PodSecurityContextValues {
  return { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' }, ...overrides };
}

/** The restricted container-level security context with a read-only root filesystem, with the given fields set. */
export function restrictedContainerSecurityContext(overrides: Partial<ContainerSecurityContextValues> = {}): ContainerSecurityContextValues {
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
