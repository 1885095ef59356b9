import type { CelNamedExpression } from './admission-rule.js';

/* Variables several pod security checks share, evaluated after POD_VARIABLES. */

/** The pod's securityContext, or an empty map so has() on its fields is always safe. */
export const POD_SECURITY_CONTEXT_VARIABLE: CelNamedExpression = {
  name: 'podSecurityContext',
  expression: 'has(variables.podSpec.securityContext) ? variables.podSpec.securityContext : {}',
};

/** A pod with `hostUsers: false` runs in a user namespace, which upstream relaxes some checks for (KEP-127). */
export const USER_NAMESPACE_VARIABLE: CelNamedExpression = {
  name: 'userNamespace',
  expression: 'has(variables.podSpec.hostUsers) && variables.podSpec.hostUsers == false',
};

/** Containers that set a procMount other than Default; shared by the baseline and restricted checks. */
export const PROC_MOUNT_CONTAINERS_VARIABLE: CelNamedExpression = {
  name: 'procMountContainers',
  expression:
    "variables.containers.filter(c, has(c.securityContext) && has(c.securityContext.procMount) && c.securityContext.procMount != 'Default')",
};
