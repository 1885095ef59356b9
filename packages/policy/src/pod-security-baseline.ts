import type { AdmissionRule } from './admission-rule.js';
import { celStringList } from './cel-literal.js';
import {
  ALLOWED_APPARMOR_PROFILE_TYPES,
  ALLOWED_SECCOMP_PROFILE_TYPES,
  APPARMOR_ANNOTATION_PREFIX,
  BASELINE_ALLOWED_CAPABILITIES,
  SELINUX_ALLOWED_TYPES,
} from './pod-security-lists.js';
import { podSecurityRule } from './pod-security-rule.js';
import { NEWEST_POD_SECURITY_VERSION, type PodSecurityVersion } from './pod-security-versions.js';
import { POD_SECURITY_CONTEXT_VARIABLE, PROC_MOUNT_CONTAINERS_VARIABLE, USER_NAMESPACE_VARIABLE } from './pod-security-variables.js';

/*
 * The baseline checks of the Pod Security Standards, one rule per upstream check
 * (kubernetes/kubernetes staging/src/k8s.io/pod-security-admission/policy/check_*.go); the checks
 * whose upstream versions differ between supported minors take the policy version. Every expression guards optional fields with has(), so an absent field never errors: an
 * error would deny the request under failurePolicy Fail.
 */

const seccompTypes = celStringList(ALLOWED_SECCOMP_PROFILE_TYPES);
const appArmorTypes = celStringList(ALLOWED_APPARMOR_PROFILE_TYPES);

/** `hostNamespaces`: hostNetwork, hostPID and hostIPC must be unset or false. */
export const PSS_HOST_NAMESPACES: AdmissionRule = podSecurityRule({
  id: 'pss-host-namespaces',
  title: 'Pods must not share the host network, PID or IPC namespace',
  level: 'baseline',
  variables: [
    {
      name: 'hostNamespaces',
      expression: "['hostNetwork', 'hostPID', 'hostIPC'].filter(f, f in variables.podSpec && variables.podSpec[f] == true)",
    },
  ],
  expression: 'size(variables.hostNamespaces) == 0',
  message: 'host namespaces are not allowed (pod security baseline)',
  detail: "variables.hostNamespaces.map(f, f + '=true').join(', ')",
});

/** `privileged`: no container may be privileged. */
export const PSS_PRIVILEGED: AdmissionRule = podSecurityRule({
  id: 'pss-privileged',
  title: 'Containers must not run privileged',
  level: 'baseline',
  variables: [
    {
      name: 'privilegedContainers',
      expression:
        'variables.containers.filter(c, has(c.securityContext) && has(c.securityContext.privileged) && c.securityContext.privileged == true).map(c, c.name)',
    },
  ],
  expression: 'size(variables.privilegedContainers) == 0',
  message: 'privileged containers are not allowed (pod security baseline)',
  detail: "variables.privilegedContainers.join(', ')",
});

/** `capabilities_baseline`: containers may add only capabilities of the default set. */
export const PSS_CAPABILITIES_BASELINE: AdmissionRule = podSecurityRule({
  id: 'pss-capabilities-baseline',
  title: 'Containers must not add capabilities beyond the default set',
  level: 'baseline',
  variables: [
    { name: 'baselineCapabilities', expression: celStringList(BASELINE_ALLOWED_CAPABILITIES) },
    {
      name: 'nonDefaultCapabilityContainers',
      expression:
        'variables.containers.filter(c, has(c.securityContext) && has(c.securityContext.capabilities) && has(c.securityContext.capabilities.add) && c.securityContext.capabilities.add.exists(a, !(a in variables.baselineCapabilities)))',
    },
  ],
  expression: 'size(variables.nonDefaultCapabilityContainers) == 0',
  message: 'containers must not add capabilities beyond the baseline set (pod security baseline)',
  detail:
    "variables.nonDefaultCapabilityContainers.map(c, c.name + ' adds ' + c.securityContext.capabilities.add.filter(a, !(a in variables.baselineCapabilities)).join(', ')).join('; ')",
});

/** `hostPathVolumes`: no hostPath volumes. */
export const PSS_HOST_PATH_VOLUMES: AdmissionRule = podSecurityRule({
  id: 'pss-host-path-volumes',
  title: 'Pods must not mount hostPath volumes',
  level: 'baseline',
  variables: [
    {
      name: 'hostPathVolumes',
      expression: 'has(variables.podSpec.volumes) ? variables.podSpec.volumes.filter(v, has(v.hostPath)).map(v, v.name) : []',
    },
  ],
  expression: 'size(variables.hostPathVolumes) == 0',
  message: 'hostPath volumes are not allowed (pod security baseline)',
  detail: "variables.hostPathVolumes.join(', ')",
});

/** `hostPorts`: every container port's hostPort must be unset or 0. */
export const PSS_HOST_PORTS: AdmissionRule = podSecurityRule({
  id: 'pss-host-ports',
  title: 'Containers must not use host ports',
  level: 'baseline',
  variables: [
    {
      name: 'hostPortContainers',
      expression: 'variables.containers.filter(c, has(c.ports) && c.ports.exists(p, has(p.hostPort) && p.hostPort != 0))',
    },
  ],
  expression: 'size(variables.hostPortContainers) == 0',
  message: 'host ports are not allowed (pod security baseline)',
  detail:
    "variables.hostPortContainers.map(c, c.name + ' uses ' + c.ports.filter(p, has(p.hostPort) && p.hostPort != 0).map(p, string(p.hostPort)).join(', ')).join('; ')",
});

/**
 * `appArmorProfile`: the appArmorProfile fields (pod and containers) must be RuntimeDefault or
 * Localhost, and the deprecated per-container annotations empty, runtime/default or localhost/*.
 */
export const PSS_APPARMOR: AdmissionRule = podSecurityRule({
  id: 'pss-apparmor',
  title: 'Pods must not override the AppArmor profile with Unconfined or an unknown profile',
  level: 'baseline',
  variables: [
    POD_SECURITY_CONTEXT_VARIABLE,
    {
      name: 'appArmorPodForbidden',
      expression: `has(variables.podSecurityContext.appArmorProfile) && !(has(variables.podSecurityContext.appArmorProfile.type) && variables.podSecurityContext.appArmorProfile.type in ${appArmorTypes})`,
    },
    {
      name: 'appArmorContainers',
      expression: `variables.containers.filter(c, has(c.securityContext) && has(c.securityContext.appArmorProfile) && !(has(c.securityContext.appArmorProfile.type) && c.securityContext.appArmorProfile.type in ${appArmorTypes}))`,
    },
    {
      name: 'appArmorAnnotations',
      expression: `has(variables.podMetadata.annotations) ? variables.podMetadata.annotations.filter(k, k.startsWith('${APPARMOR_ANNOTATION_PREFIX}') && !(variables.podMetadata.annotations[k] == '' || variables.podMetadata.annotations[k] == 'runtime/default' || variables.podMetadata.annotations[k].startsWith('localhost/'))) : []`,
    },
  ],
  expression: '!variables.appArmorPodForbidden && size(variables.appArmorContainers) == 0 && size(variables.appArmorAnnotations) == 0',
  message: 'apparmor profiles other than RuntimeDefault and Localhost are not allowed (pod security baseline)',
  detail:
    "((variables.appArmorPodForbidden ? ['pod=' + (has(variables.podSecurityContext.appArmorProfile.type) ? variables.podSecurityContext.appArmorProfile.type : '')] : []) + variables.appArmorContainers.map(c, 'container ' + c.name + '=' + (has(c.securityContext.appArmorProfile.type) ? c.securityContext.appArmorProfile.type : '')) + variables.appArmorAnnotations.map(k, 'annotation ' + k + '=' + variables.podMetadata.annotations[k])).join(', ')",
});

/** Whether SELinux options at `options` set a disallowed type, a user or a role. */
function seLinuxForbidden(options: string): string {
  return `((has(${options}.type) && !(${options}.type in variables.allowedSELinuxTypes)) || (has(${options}.user) && ${options}.user != '') || (has(${options}.role) && ${options}.role != ''))`;
}

/** The disallowed settings of SELinux options at `options`, e.g. `type=spc_t, user=system_u`. */
function seLinuxDetail(options: string): string {
  return `((has(${options}.type) && !(${options}.type in variables.allowedSELinuxTypes) ? ['type=' + ${options}.type] : []) + (has(${options}.user) && ${options}.user != '' ? ['user=' + ${options}.user] : []) + (has(${options}.role) && ${options}.role != '' ? ['role=' + ${options}.role] : [])).join(', ')`;
}

/**
 * `seLinuxOptions`: the type must be one of the allowed container types (or empty), and user and
 * role must be empty, at pod and container level.
 */
export const PSS_SELINUX: AdmissionRule = podSecurityRule({
  id: 'pss-selinux',
  title: 'Pods must not set a custom SELinux type, user or role',
  level: 'baseline',
  variables: [
    POD_SECURITY_CONTEXT_VARIABLE,
    { name: 'allowedSELinuxTypes', expression: celStringList(SELINUX_ALLOWED_TYPES) },
    {
      name: 'seLinuxPodForbidden',
      expression: `has(variables.podSecurityContext.seLinuxOptions) && ${seLinuxForbidden('variables.podSecurityContext.seLinuxOptions')}`,
    },
    {
      name: 'seLinuxContainers',
      expression: `variables.containers.filter(c, has(c.securityContext) && has(c.securityContext.seLinuxOptions) && ${seLinuxForbidden('c.securityContext.seLinuxOptions')})`,
    },
  ],
  expression: '!variables.seLinuxPodForbidden && size(variables.seLinuxContainers) == 0',
  message: 'seLinuxOptions may set only an allowed type and no user or role (pod security baseline)',
  // Map literals are avoided: the API server's CEL rejects maps whose values differ in type.
  detail: `((variables.seLinuxPodForbidden ? ['pod sets ' + ${seLinuxDetail('variables.podSecurityContext.seLinuxOptions')}] : []) + variables.seLinuxContainers.map(c, 'container ' + c.name + ' sets ' + ${seLinuxDetail('c.securityContext.seLinuxOptions')})).join('; ')`,
});

/**
 * `procMount` (baseline): procMount must be unset or Default; from policy 1.35 any procMount is
 * allowed in a user namespace (`hostUsers: false`), which is also the only place the API server
 * accepts Unmasked. Before 1.35 this check also guards restricted (see PSS_PROC_MOUNT_RESTRICTED).
 */
export function pssProcMount(policy: PodSecurityVersion): AdmissionRule {
  const relaxed = policy.userNamespaceRelaxation;
  return podSecurityRule({
    id: 'pss-proc-mount',
    title: relaxed
      ? 'Containers must keep the default /proc masks unless the pod runs in a user namespace'
      : 'Containers must keep the default /proc masks',
    level: 'baseline',
    variables: relaxed ? [USER_NAMESPACE_VARIABLE, PROC_MOUNT_CONTAINERS_VARIABLE] : [PROC_MOUNT_CONTAINERS_VARIABLE],
    expression: relaxed ? 'variables.userNamespace || size(variables.procMountContainers) == 0' : 'size(variables.procMountContainers) == 0',
    message: relaxed
      ? 'procMount must be Default unless the pod sets hostUsers=false (pod security baseline)'
      : 'procMount must be Default (pod security baseline)',
    detail: "variables.procMountContainers.map(c, c.name + '=' + c.securityContext.procMount).join(', ')",
  });
}

/** `seccompProfile_baseline`: a seccomp profile, where set, must be RuntimeDefault or Localhost. */
export const PSS_SECCOMP_BASELINE: AdmissionRule = podSecurityRule({
  id: 'pss-seccomp-baseline',
  title: 'Pods must not set the Unconfined seccomp profile',
  level: 'baseline',
  variables: [
    POD_SECURITY_CONTEXT_VARIABLE,
    {
      name: 'seccompPodForbidden',
      expression: `has(variables.podSecurityContext.seccompProfile) && !(has(variables.podSecurityContext.seccompProfile.type) && variables.podSecurityContext.seccompProfile.type in ${seccompTypes})`,
    },
    {
      name: 'seccompForbiddenContainers',
      expression: `variables.containers.filter(c, has(c.securityContext) && has(c.securityContext.seccompProfile) && !(has(c.securityContext.seccompProfile.type) && c.securityContext.seccompProfile.type in ${seccompTypes}))`,
    },
  ],
  expression: '!variables.seccompPodForbidden && size(variables.seccompForbiddenContainers) == 0',
  message: 'seccompProfile must be RuntimeDefault or Localhost where set (pod security baseline)',
  detail:
    "((variables.seccompPodForbidden ? ['pod=' + (has(variables.podSecurityContext.seccompProfile.type) ? variables.podSecurityContext.seccompProfile.type : '')] : []) + variables.seccompForbiddenContainers.map(c, 'container ' + c.name + '=' + (has(c.securityContext.seccompProfile.type) ? c.securityContext.seccompProfile.type : ''))).join(', ')",
});

/** `sysctls`: only the safe sysctls of the policy version (upstream adds to the list over versions). */
export function pssSysctls(policy: PodSecurityVersion): AdmissionRule {
  return podSecurityRule({
    id: 'pss-sysctls',
    title: 'Pods may set only safe sysctls',
    level: 'baseline',
    variables: [
      POD_SECURITY_CONTEXT_VARIABLE,
      { name: 'safeSysctls', expression: celStringList(policy.safeSysctls) },
      {
        name: 'forbiddenSysctls',
        expression:
          'has(variables.podSecurityContext.sysctls) ? variables.podSecurityContext.sysctls.filter(s, !(s.name in variables.safeSysctls)).map(s, s.name) : []',
      },
    ],
    expression: 'size(variables.forbiddenSysctls) == 0',
    message: 'only safe sysctls are allowed (pod security baseline)',
    detail: "variables.forbiddenSysctls.join(', ')",
  });
}

/** `windowsHostProcess`: no Windows HostProcess pod or container. */
export const PSS_WINDOWS_HOST_PROCESS: AdmissionRule = podSecurityRule({
  id: 'pss-windows-host-process',
  title: 'Pods must not run Windows HostProcess containers',
  level: 'baseline',
  variables: [
    POD_SECURITY_CONTEXT_VARIABLE,
    {
      name: 'hostProcessPod',
      expression:
        'has(variables.podSecurityContext.windowsOptions) && has(variables.podSecurityContext.windowsOptions.hostProcess) && variables.podSecurityContext.windowsOptions.hostProcess == true',
    },
    {
      name: 'hostProcessContainers',
      expression:
        'variables.containers.filter(c, has(c.securityContext) && has(c.securityContext.windowsOptions) && has(c.securityContext.windowsOptions.hostProcess) && c.securityContext.windowsOptions.hostProcess == true).map(c, c.name)',
    },
  ],
  expression: '!variables.hostProcessPod && size(variables.hostProcessContainers) == 0',
  message: 'windows hostProcess is not allowed (pod security baseline)',
  detail: "((variables.hostProcessPod ? ['pod'] : []) + variables.hostProcessContainers.map(n, 'container ' + n)).join(', ')",
});

/** The non-empty hosts of one probe or lifecycle handler at `handler`, present when `guard` holds. */
function handlerHosts(guard: string, handler: string): string {
  return ['httpGet', 'tcpSocket']
    .map(
      (action) =>
        `(${guard} && has(${handler}.${action}) && has(${handler}.${action}.host) && ${handler}.${action}.host != '' ? [${handler}.${action}.host] : [])`,
    )
    .join(' + ');
}

const containerHandlerHosts = [
  handlerHosts('has(c.livenessProbe)', 'c.livenessProbe'),
  handlerHosts('has(c.readinessProbe)', 'c.readinessProbe'),
  handlerHosts('has(c.startupProbe)', 'c.startupProbe'),
  handlerHosts('has(c.lifecycle) && has(c.lifecycle.postStart)', 'c.lifecycle.postStart'),
  handlerHosts('has(c.lifecycle) && has(c.lifecycle.preStop)', 'c.lifecycle.preStop'),
].join(' + ');

/**
 * `hostProbesAndHostLifecycle` (policy 1.34 and later; absent before): the host of httpGet and tcpSocket probes and
 * lifecycle handlers must be unset or empty, so a pod cannot make the kubelet reach other hosts.
 */
export const PSS_HOST_PROBES_LIFECYCLE: AdmissionRule = podSecurityRule({
  id: 'pss-host-probes-lifecycle',
  title: 'Probes and lifecycle handlers must not set a host',
  level: 'baseline',
  variables: [
    {
      name: 'probeHostContainers',
      expression: `variables.containers.filter(c, size(${containerHandlerHosts}) > 0)`,
    },
  ],
  expression: 'size(variables.probeHostContainers) == 0',
  message: 'probe and lifecycle handler hosts must be unset (pod security baseline)',
  detail: `variables.probeHostContainers.map(c, c.name + ' uses ' + (${containerHandlerHosts}).join(', ')).join('; ')`,
});

/** The baseline level of the Pod Security Standards at a policy version, one rule per upstream check. */
export function podSecurityBaselineRules(policy: PodSecurityVersion): AdmissionRule[] {
  return [
    PSS_HOST_NAMESPACES,
    PSS_PRIVILEGED,
    PSS_CAPABILITIES_BASELINE,
    PSS_HOST_PATH_VOLUMES,
    PSS_HOST_PORTS,
    PSS_APPARMOR,
    PSS_SELINUX,
    pssProcMount(policy),
    PSS_SECCOMP_BASELINE,
    pssSysctls(policy),
    PSS_WINDOWS_HOST_PROCESS,
    ...(policy.hostProbes ? [PSS_HOST_PROBES_LIFECYCLE] : []),
  ];
}

/** The baseline rules of the newest supported policy version. */
export const POD_SECURITY_BASELINE_RULES: readonly AdmissionRule[] = podSecurityBaselineRules(NEWEST_POD_SECURITY_VERSION);
