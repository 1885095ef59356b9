import { kubernetesMinor, SUPPORTED_KUBERNETES_MINORS } from '@ck8s/core/base';

/*
 * What changes between the Pod Security policy versions, as upstream versions its checks
 * (kubernetes/pod-security-admission policy/check_*.go, `Versions: []VersionedCheck{MinimumVersion: ...}`,
 * read at v0.36.2 and master). Only the changes that fall in or before the supported minors matter;
 * every other check has one version for all of them (seLinuxOptions 1.31, capabilities,
 * seccompProfile and allowPrivilegeEscalation 1.25, the rest 1.0).
 */

/** `check_sysctls.go`: the safe sysctls, each list adding to the one before, by the minor it came with. */
export const SAFE_SYSCTLS_SINCE: readonly { readonly minor: number; readonly sysctls: readonly string[] }[] = [
  {
    minor: 0,
    sysctls: [
      'kernel.shm_rmid_forced',
      'net.ipv4.ip_local_port_range',
      'net.ipv4.tcp_syncookies',
      'net.ipv4.ping_group_range',
      'net.ipv4.ip_unprivileged_port_start',
    ],
  },
  { minor: 27, sysctls: ['net.ipv4.ip_local_reserved_ports'] },
  {
    minor: 29,
    sysctls: ['net.ipv4.tcp_keepalive_time', 'net.ipv4.tcp_fin_timeout', 'net.ipv4.tcp_keepalive_intvl', 'net.ipv4.tcp_keepalive_probes'],
  },
  { minor: 32, sysctls: ['net.ipv4.tcp_rmem', 'net.ipv4.tcp_wmem'] },
  // upstream master (1.37): not a supported minor yet, so no cluster allows these
  { minor: 37, sysctls: ['net.ipv4.tcp_slow_start_after_idle', 'net.ipv4.tcp_notsent_lowat'] },
];

/** `check_hostProbesAndhostLifecycle.go`: the check exists from this minor on. */
export const HOST_PROBES_SINCE_MINOR = 34;

/**
 * `check_procMount_baseline.go`, `check_runAsNonRoot.go`, `check_runAsUser.go` (`relaxPolicyForUserNamespacePod`)
 * and `check_procMount_restricted.go`: from this minor on a pod with `hostUsers: false` may set any
 * procMount at baseline and run as root at restricted, and restricted gets its own unconditional
 * procMount check. Before it the baseline procMount check denies every non-Default procMount at
 * both levels, and runAsNonRoot and runAsUser ignore user namespaces.
 */
export const USER_NAMESPACE_RELAXATION_SINCE_MINOR = 35;

/** The Pod Security policy of one Kubernetes minor: what its checks allow where versions differ. */
export interface PodSecurityVersion {
  /** The policy version as namespaces pin it (`pod-security.kubernetes.io/enforce-version`), e.g. `v1.33`. */
  readonly version: string;
  /** The minor number, e.g. 33. */
  readonly minor: number;
  /** The sysctls baseline allows. */
  readonly safeSysctls: readonly string[];
  /** Whether the hostProbesAndHostLifecycle check applies. */
  readonly hostProbes: boolean;
  /** Whether user-namespace pods are relaxed for procMount (baseline), runAsNonRoot and runAsUser. */
  readonly userNamespaceRelaxation: boolean;
}

/**
 * The Pod Security policy of a supported Kubernetes version (`1.33`, `1.33.4`, `v1.33`).
 * @throws Error naming the supported minors when the version is not one of them
 */
export function podSecurityPolicyVersion(kubernetesVersion: string): PodSecurityVersion {
  const minor = kubernetesMinor(kubernetesVersion.replace(/^v/, ''));
  if (minor === undefined || !SUPPORTED_KUBERNETES_MINORS.includes(minor))
    throw new Error(`kubernetes version "${kubernetesVersion}" is not supported; supported: ${SUPPORTED_KUBERNETES_MINORS.join(', ')}`);
  const n = Number(minor.split('.')[1]);
  return {
    version: `v${minor}`,
    minor: n,
    safeSysctls: SAFE_SYSCTLS_SINCE.filter((s) => s.minor <= n).flatMap((s) => s.sysctls),
    hostProbes: n >= HOST_PROBES_SINCE_MINOR,
    userNamespaceRelaxation: n >= USER_NAMESPACE_RELAXATION_SINCE_MINOR,
  };
}

/** The newest supported minor, which the rules without a cluster (`POD_SECURITY_RULES`) implement. */
export const NEWEST_POD_SECURITY_VERSION: PodSecurityVersion = podSecurityPolicyVersion(SUPPORTED_KUBERNETES_MINORS.at(-1)!);
