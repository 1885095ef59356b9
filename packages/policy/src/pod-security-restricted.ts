import type { AdmissionRule } from './admission-rule.js';
import { celStringList } from './cel-literal.js';
import { ALLOWED_SECCOMP_PROFILE_TYPES, RESTRICTED_ALLOWED_CAPABILITIES, RESTRICTED_ALLOWED_VOLUME_TYPES } from './pod-security-lists.js';
import { type PodSecurityCheckProps, podSecurityRule } from './pod-security-rule.js';
import { NEWEST_POD_SECURITY_VERSION, type PodSecurityVersion } from './pod-security-versions.js';
import { POD_SECURITY_CONTEXT_VARIABLE, PROC_MOUNT_CONTAINERS_VARIABLE, USER_NAMESPACE_VARIABLE } from './pod-security-variables.js';

/*
 * The restricted checks of the Pod Security Standards, on top of baseline. Upstream exempts
 * Windows pods (`spec.os.name: windows`) from allowPrivilegeEscalation, seccompProfile_restricted
 * and capabilities_restricted since policy 1.25, because the API rejects those fields on Windows
 * pods; runAsNonRoot and runAsUser are skipped for pods in a user namespace since policy 1.35. The
 * checks whose upstream versions differ between supported minors take the policy version.
 */

const seccompTypes = celStringList(ALLOWED_SECCOMP_PROFILE_TYPES);
const restrictedCapabilities = celStringList(RESTRICTED_ALLOWED_CAPABILITIES);

/**
 * A restricted check that upstream skips for pods in a user namespace (`hostUsers: false`,
 * `relaxPolicyForUserNamespacePod`) from policy 1.35 on, and applies to every pod before.
 */
function exemptUserNamespaceFrom1Dot35(policy: PodSecurityVersion, check: PodSecurityCheckProps): AdmissionRule {
  if (!policy.userNamespaceRelaxation) return podSecurityRule(check);
  return podSecurityRule({
    ...check,
    variables: [USER_NAMESPACE_VARIABLE, ...(check.variables ?? [])],
    expression: `variables.userNamespace || (${check.expression})`,
  });
}

/** `restrictedVolumes`: only the allowed inline volume sources (replaces baseline's hostPath check upstream). */
export const PSS_RESTRICTED_VOLUMES: AdmissionRule = podSecurityRule({
  id: 'pss-restricted-volumes',
  title: 'Pods may use only configMap, csi, downwardAPI, emptyDir, ephemeral, image, persistentVolumeClaim, projected and secret volumes',
  level: 'restricted',
  variables: [
    { name: 'allowedVolumeTypes', expression: celStringList(RESTRICTED_ALLOWED_VOLUME_TYPES) },
    {
      name: 'restrictedVolumes',
      expression: 'has(variables.podSpec.volumes) ? variables.podSpec.volumes.filter(v, !variables.allowedVolumeTypes.exists(t, t in v)) : []',
    },
  ],
  expression: 'size(variables.restrictedVolumes) == 0',
  message: 'volume types outside the restricted allow-list are not allowed (pod security restricted)',
  detail: "variables.restrictedVolumes.map(v, v.name + ' (' + v.filter(k, k != 'name').join(', ') + ')').join(', ')",
});

/** `allowPrivilegeEscalation`: every container must set allowPrivilegeEscalation=false; Windows pods are exempt. */
export const PSS_ALLOW_PRIVILEGE_ESCALATION: AdmissionRule = podSecurityRule({
  id: 'pss-allow-privilege-escalation',
  title: 'Containers must set allowPrivilegeEscalation to false',
  level: 'restricted',
  variables: [
    {
      name: 'privilegeEscalationContainers',
      expression:
        'variables.isWindows ? [] : variables.containers.filter(c, !(has(c.securityContext) && has(c.securityContext.allowPrivilegeEscalation) && c.securityContext.allowPrivilegeEscalation == false)).map(c, c.name)',
    },
  ],
  expression: 'size(variables.privilegeEscalationContainers) == 0',
  message: 'containers must set securityContext.allowPrivilegeEscalation=false (pod security restricted)',
  detail: "variables.privilegeEscalationContainers.join(', ')",
});

/**
 * `runAsNonRoot`: runAsNonRoot must be true at pod level or on every container, and false nowhere;
 * from policy 1.35 skipped for pods in a user namespace.
 */
export function pssRunAsNonRoot(policy: PodSecurityVersion): AdmissionRule {
  return exemptUserNamespaceFrom1Dot35(policy, {
    id: 'pss-run-as-non-root',
    title: 'Pods must run as non-root',
    level: 'restricted',
    variables: [
      POD_SECURITY_CONTEXT_VARIABLE,
      {
        name: 'podRunAsNonRoot',
        expression: 'has(variables.podSecurityContext.runAsNonRoot) && variables.podSecurityContext.runAsNonRoot == true',
      },
      {
        name: 'podRunAsRoot',
        expression: 'has(variables.podSecurityContext.runAsNonRoot) && variables.podSecurityContext.runAsNonRoot == false',
      },
      {
        // A container's own setting wins; without one it inherits the pod's.
        name: 'runAsRootContainers',
        expression:
          'variables.containers.filter(c, has(c.securityContext) && has(c.securityContext.runAsNonRoot) ? c.securityContext.runAsNonRoot == false : !variables.podRunAsNonRoot).map(c, c.name)',
      },
    ],
    expression: '!variables.podRunAsRoot && size(variables.runAsRootContainers) == 0',
    message: 'pod or containers must set securityContext.runAsNonRoot=true (pod security restricted)',
    detail: "((variables.podRunAsRoot ? ['pod'] : []) + variables.runAsRootContainers.map(n, 'container ' + n)).join(', ')",
  });
}

/** `runAsUser`: runAsUser must not be 0 at pod or container level; from policy 1.35 skipped for pods in a user namespace. */
export function pssRunAsUser(policy: PodSecurityVersion): AdmissionRule {
  return exemptUserNamespaceFrom1Dot35(policy, {
    id: 'pss-run-as-user',
    title: 'Pods must not set runAsUser to 0',
    level: 'restricted',
    variables: [
      POD_SECURITY_CONTEXT_VARIABLE,
      {
        name: 'podRunAsRootUser',
        expression: 'has(variables.podSecurityContext.runAsUser) && variables.podSecurityContext.runAsUser == 0',
      },
      {
        name: 'rootUserContainers',
        expression:
          'variables.containers.filter(c, has(c.securityContext) && has(c.securityContext.runAsUser) && c.securityContext.runAsUser == 0).map(c, c.name)',
      },
    ],
    expression: '!variables.podRunAsRootUser && size(variables.rootUserContainers) == 0',
    message: 'runAsUser must not be 0 (pod security restricted)',
    detail: "((variables.podRunAsRootUser ? ['pod'] : []) + variables.rootUserContainers.map(n, 'container ' + n)).join(', ')",
  });
}

/**
 * `seccompProfile_restricted`: RuntimeDefault or Localhost at pod level or on every container, and
 * no other type anywhere; Windows pods are exempt.
 */
export const PSS_SECCOMP_RESTRICTED: AdmissionRule = podSecurityRule({
  id: 'pss-seccomp-restricted',
  title: 'Pods must set the RuntimeDefault or Localhost seccomp profile',
  level: 'restricted',
  variables: [
    POD_SECURITY_CONTEXT_VARIABLE,
    {
      name: 'podSeccompValid',
      expression: `has(variables.podSecurityContext.seccompProfile) && has(variables.podSecurityContext.seccompProfile.type) && variables.podSecurityContext.seccompProfile.type in ${seccompTypes}`,
    },
    {
      name: 'podSeccompForbidden',
      expression: 'has(variables.podSecurityContext.seccompProfile) && !variables.podSeccompValid',
    },
    {
      // A container's own profile wins; without one it needs a valid pod-level profile.
      name: 'seccompRestrictedContainers',
      expression: `variables.containers.filter(c, has(c.securityContext) && has(c.securityContext.seccompProfile) ? !(has(c.securityContext.seccompProfile.type) && c.securityContext.seccompProfile.type in ${seccompTypes}) : !variables.podSeccompValid).map(c, c.name)`,
    },
  ],
  expression: 'variables.isWindows || (!variables.podSeccompForbidden && size(variables.seccompRestrictedContainers) == 0)',
  message: 'pod or containers must set seccompProfile.type to RuntimeDefault or Localhost (pod security restricted)',
  detail: "((variables.podSeccompForbidden ? ['pod'] : []) + variables.seccompRestrictedContainers.map(n, 'container ' + n)).join(', ')",
});

/** `capabilities_restricted`: every container drops ALL and adds nothing but NET_BIND_SERVICE; Windows pods are exempt. */
export const PSS_CAPABILITIES_RESTRICTED: AdmissionRule = podSecurityRule({
  id: 'pss-capabilities-restricted',
  title: 'Containers must drop ALL capabilities and may add only NET_BIND_SERVICE',
  level: 'restricted',
  variables: [
    { name: 'restrictedCapabilities', expression: restrictedCapabilities },
    {
      name: 'dropAllMissingContainers',
      expression:
        "variables.containers.filter(c, !(has(c.securityContext) && has(c.securityContext.capabilities) && has(c.securityContext.capabilities.drop) && 'ALL' in c.securityContext.capabilities.drop)).map(c, c.name)",
    },
    {
      name: 'restrictedAddContainers',
      expression:
        'variables.containers.filter(c, has(c.securityContext) && has(c.securityContext.capabilities) && has(c.securityContext.capabilities.add) && c.securityContext.capabilities.add.exists(a, !(a in variables.restrictedCapabilities)))',
    },
  ],
  expression: 'variables.isWindows || (size(variables.dropAllMissingContainers) == 0 && size(variables.restrictedAddContainers) == 0)',
  message: 'containers must drop ALL capabilities and may add only NET_BIND_SERVICE (pod security restricted)',
  detail:
    "(variables.dropAllMissingContainers.map(n, n + ' does not drop ALL') + variables.restrictedAddContainers.map(c, c.name + ' adds ' + c.securityContext.capabilities.add.filter(a, !(a in variables.restrictedCapabilities)).join(', '))).join('; ')",
});

/**
 * `procMount_restricted` (policy 1.35 and later): procMount must be unset or Default, user namespace
 * or not. Before 1.35 upstream has no such check: the baseline procMount check, not yet relaxed, does it.
 */
export const PSS_PROC_MOUNT_RESTRICTED: AdmissionRule = podSecurityRule({
  id: 'pss-proc-mount-restricted',
  title: 'Containers must keep the default /proc masks',
  level: 'restricted',
  variables: [PROC_MOUNT_CONTAINERS_VARIABLE],
  expression: 'size(variables.procMountContainers) == 0',
  message: 'procMount must be Default (pod security restricted)',
  detail: "variables.procMountContainers.map(c, c.name + '=' + c.securityContext.procMount).join(', ')",
});

/** The checks the restricted level adds to baseline at a policy version, one rule per upstream check. */
export function podSecurityRestrictedRules(policy: PodSecurityVersion): AdmissionRule[] {
  return [
    PSS_RESTRICTED_VOLUMES,
    PSS_ALLOW_PRIVILEGE_ESCALATION,
    pssRunAsNonRoot(policy),
    pssRunAsUser(policy),
    PSS_SECCOMP_RESTRICTED,
    PSS_CAPABILITIES_RESTRICTED,
    ...(policy.userNamespaceRelaxation ? [PSS_PROC_MOUNT_RESTRICTED] : []),
  ];
}

/** The restricted rules of the newest supported policy version. */
export const POD_SECURITY_RESTRICTED_RULES: readonly AdmissionRule[] = podSecurityRestrictedRules(NEWEST_POD_SECURITY_VERSION);
