/** The group, version and plural resource an object is admitted as. */
export interface GroupVersionResource {
  readonly group: string;
  readonly version: string;
  readonly resource: string;
  /** Served by a CustomResourceDefinition rather than built into the API server. @default false */
  readonly custom?: boolean;
}

/** Kinds of custom resources (by `<group>/<Kind>`) whose objects the API server keeps as sent. */
const CUSTOM: ReadonlySet<string> = new Set([
  'gateway.networking.k8s.io/HTTPRoute',
  'gateway.networking.k8s.io/GRPCRoute',
  'gateway.networking.k8s.io/TLSRoute',
  'monitoring.coreos.com/ServiceMonitor',
  'monitoring.coreos.com/PodMonitor',
  'monitoring.coreos.com/PrometheusRule',
  'monitoring.coreos.com/AlertmanagerConfig',
]);

/** Plural resource names of the kinds offline evaluation knows, by `<group>/<Kind>` (core group empty). */
const RESOURCES: ReadonlyMap<string, string> = new Map([
  ['/Pod', 'pods'],
  ['/ReplicationController', 'replicationcontrollers'],
  ['/Service', 'services'],
  ['/Namespace', 'namespaces'],
  ['/ConfigMap', 'configmaps'],
  ['/Secret', 'secrets'],
  ['/ServiceAccount', 'serviceaccounts'],
  ['/PersistentVolumeClaim', 'persistentvolumeclaims'],
  ['/ResourceQuota', 'resourcequotas'],
  ['/LimitRange', 'limitranges'],
  ['apps/Deployment', 'deployments'],
  ['apps/StatefulSet', 'statefulsets'],
  ['apps/DaemonSet', 'daemonsets'],
  ['apps/ReplicaSet', 'replicasets'],
  ['batch/Job', 'jobs'],
  ['batch/CronJob', 'cronjobs'],
  ['networking.k8s.io/NetworkPolicy', 'networkpolicies'],
  ['networking.k8s.io/Ingress', 'ingresses'],
  ['rbac.authorization.k8s.io/Role', 'roles'],
  ['rbac.authorization.k8s.io/ClusterRole', 'clusterroles'],
  ['rbac.authorization.k8s.io/RoleBinding', 'rolebindings'],
  ['rbac.authorization.k8s.io/ClusterRoleBinding', 'clusterrolebindings'],
  ['gateway.networking.k8s.io/HTTPRoute', 'httproutes'],
  ['gateway.networking.k8s.io/GRPCRoute', 'grpcroutes'],
  ['gateway.networking.k8s.io/TLSRoute', 'tlsroutes'],
  ['monitoring.coreos.com/ServiceMonitor', 'servicemonitors'],
  ['monitoring.coreos.com/PodMonitor', 'podmonitors'],
  ['monitoring.coreos.com/PrometheusRule', 'prometheusrules'],
  ['monitoring.coreos.com/AlertmanagerConfig', 'alertmanagerconfigs'],
]);

/**
 * Maps an object's apiVersion and kind to the resource the API server admits it as, e.g.
 * `apps/v1` Deployment to `apps`/`v1`/`deployments`. Undefined for kinds it does not know, which then
 * match no rule.
 */
export function resourceOfKind(apiVersion: string, kind: string): GroupVersionResource | undefined {
  const slash = apiVersion.indexOf('/');
  const group = slash < 0 ? '' : apiVersion.slice(0, slash);
  const version = slash < 0 ? apiVersion : apiVersion.slice(slash + 1);
  const resource = RESOURCES.get(`${group}/${kind}`);
  if (!resource || !version) return undefined;
  return CUSTOM.has(`${group}/${kind}`) ? { group, version, resource, custom: true } : { group, version, resource };
}
