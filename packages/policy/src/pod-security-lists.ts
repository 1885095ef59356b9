/**
 * Allow-lists of the Pod Security Standards, copied from the upstream checks in
 * kubernetes/kubernetes staging/src/k8s.io/pod-security-admission/policy/ at the newest policy
 * version each list has (Kubernetes 1.37). Keep them in step with upstream on every minor release.
 */

/** `check_capabilities_baseline.go`, `capabilities_allowed_1_0`: what baseline lets a container add. */
export const BASELINE_ALLOWED_CAPABILITIES: readonly string[] = [
  'AUDIT_WRITE',
  'CHOWN',
  'DAC_OVERRIDE',
  'FOWNER',
  'FSETID',
  'KILL',
  'MKNOD',
  'NET_BIND_SERVICE',
  'SETFCAP',
  'SETGID',
  'SETPCAP',
  'SETUID',
  'SYS_CHROOT',
];

/** `check_capabilities_restricted.go`: the only capability restricted lets a container add back. */
export const RESTRICTED_ALLOWED_CAPABILITIES: readonly string[] = ['NET_BIND_SERVICE'];

/** `check_seLinuxOptions.go`, `selinuxAllowedTypes1_31`; the empty type is the runtime's default. */
export const SELINUX_ALLOWED_TYPES: readonly string[] = ['', 'container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t'];

/**
 * `check_sysctls.go`, `sysctlsAllowedV1Dot37`: 1.0 (first five), 1.27 (ip_local_reserved_ports),
 * 1.29 (tcp keepalive and fin timeout), 1.32 (tcp_rmem, tcp_wmem), 1.37 (tcp_slow_start_after_idle,
 * tcp_notsent_lowat).
 */
export const SAFE_SYSCTLS: readonly string[] = [
  'kernel.shm_rmid_forced',
  'net.ipv4.ip_local_port_range',
  'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range',
  'net.ipv4.ip_unprivileged_port_start',
  'net.ipv4.ip_local_reserved_ports',
  'net.ipv4.tcp_keepalive_time',
  'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_keepalive_intvl',
  'net.ipv4.tcp_keepalive_probes',
  'net.ipv4.tcp_rmem',
  'net.ipv4.tcp_wmem',
  'net.ipv4.tcp_slow_start_after_idle',
  'net.ipv4.tcp_notsent_lowat',
];

/** `check_restrictedVolumes.go`: the inline volume sources restricted allows (`image` since 1.33). */
export const RESTRICTED_ALLOWED_VOLUME_TYPES: readonly string[] = [
  'configMap',
  'csi',
  'downwardAPI',
  'emptyDir',
  'ephemeral',
  'image',
  'persistentVolumeClaim',
  'projected',
  'secret',
];

/** `check_seccompProfile_*.go`, `validSeccomp`: the seccomp profile types both levels accept. */
export const ALLOWED_SECCOMP_PROFILE_TYPES: readonly string[] = ['RuntimeDefault', 'Localhost'];

/** `check_appArmorProfile.go`, `allowedProfileType`: the AppArmor profile field types baseline accepts. */
export const ALLOWED_APPARMOR_PROFILE_TYPES: readonly string[] = ['RuntimeDefault', 'Localhost'];

/** Prefix of the deprecated per-container AppArmor annotations that baseline still checks. */
export const APPARMOR_ANNOTATION_PREFIX = 'container.apparmor.security.beta.kubernetes.io/';
