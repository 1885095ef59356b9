import type { CelNamedExpression, ResourceMatch } from './admission-rule.js';

/**
 * Pods and every built-in controller with a pod template, so a developer sees the error
 * when applying the Deployment, not when its ReplicaSet later fails to create pods.
 */
export const POD_RESOURCES: readonly ResourceMatch[] = [
  {
    apiGroups: [''],
    apiVersions: ['v1'],
    resources: ['pods', 'pods/ephemeralcontainers', 'replicationcontrollers'],
    operations: ['CREATE', 'UPDATE'],
  },
  {
    apiGroups: ['apps'],
    apiVersions: ['v1'],
    resources: ['deployments', 'statefulsets', 'daemonsets', 'replicasets'],
    operations: ['CREATE', 'UPDATE'],
  },
  { apiGroups: ['batch'], apiVersions: ['v1'], resources: ['jobs', 'cronjobs'], operations: ['CREATE', 'UPDATE'] },
];

/**
 * Variables every pod rule starts from: the pod spec and metadata wherever the object keeps
 * them, and all containers (regular, init and ephemeral) as one list.
 */
export const POD_VARIABLES: readonly CelNamedExpression[] = [
  {
    name: 'podSpec',
    expression:
      "object.kind == 'Pod' ? object.spec : (object.kind == 'CronJob' ? object.spec.jobTemplate.spec.template.spec : object.spec.template.spec)",
  },
  {
    name: 'podMetadata',
    expression:
      "object.kind == 'Pod' ? object.metadata : (object.kind == 'CronJob' ? (has(object.spec.jobTemplate.spec.template.metadata) ? object.spec.jobTemplate.spec.template.metadata : {}) : (has(object.spec.template.metadata) ? object.spec.template.metadata : {}))",
  },
  {
    name: 'containers',
    expression:
      'variables.podSpec.containers + (has(variables.podSpec.initContainers) ? variables.podSpec.initContainers : []) + (has(variables.podSpec.ephemeralContainers) ? variables.podSpec.ephemeralContainers : [])',
  },
  {
    name: 'isWindows',
    expression: "has(variables.podSpec.os) && has(variables.podSpec.os.name) && variables.podSpec.os.name == 'windows'",
  },
];
