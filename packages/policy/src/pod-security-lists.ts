/**
 * Allow-lists of the Pod Security Standards, copied from the upstream checks in
 * kubernetes/kubernetes staging/src/k8s.io/pod-security-admission/policy/ at the newest policy
 * version each list has; lists that differ between supported minors live in pod-security-versions.ts.
 * Keep them in step with upstream on every minor release.
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

/** `check_restrictedVolumes.go`: the inline volume sources restricted allows (upstream's 1.0 version has `image` since pod-security-admission v0.33). */
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
