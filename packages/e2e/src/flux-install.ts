// Test fixtures of what `flux install` puts in a cluster, written from Flux's documentation of its
// RBAC (fluxcd.io/flux/security, the manifests/rbac of fluxcd/flux2): the controllers' accounts,
// the crd-controller role, the cluster-reconciler binding of kustomize-controller and
// helm-controller to cluster-admin, and the flux-edit and flux-view roles that Kubernetes
// aggregates into admin, edit and view (so a tenant admin may create Flux objects in its
// namespace). Names carry the `-flux-system` suffix `flux install` gives cluster-scoped objects.
// The harness installs the RBAC before it starts the controllers; the scenario also publishes all
// of it, with Deployments, as the "install manifests" artifact the platform applies.
import type { KubeObject } from './kube-client.js';

export const FLUX_SYSTEM = 'flux-system';

/** The controllers the harness runs, with the ServiceAccount each runs as. */
export const FLUX_CONTROLLERS = ['source-controller', 'kustomize-controller', 'helm-controller'] as const;
export type FluxControllerName = (typeof FLUX_CONTROLLERS)[number];

/** Every account `flux install` creates (the harness runs three of them; notification-controller is not run). */
const ACCOUNTS = [...FLUX_CONTROLLERS, 'notification-controller'];

const LABELS = { 'app.kubernetes.io/part-of': 'flux', 'app.kubernetes.io/instance': FLUX_SYSTEM };
const FLUX_GROUPS = [
  'source.toolkit.fluxcd.io',
  'kustomize.toolkit.fluxcd.io',
  'helm.toolkit.fluxcd.io',
  'notification.toolkit.fluxcd.io',
  'image.toolkit.fluxcd.io',
  'source.extensions.fluxcd.io',
];

function clusterRole(name: string, labels: Record<string, string>, rules: unknown[]): KubeObject {
  return { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name, labels: { ...LABELS, ...labels } }, rules };
}

function clusterRoleBinding(name: string, role: string, accounts: readonly string[]): KubeObject {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name, labels: LABELS },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role },
    subjects: accounts.map((name) => ({ kind: 'ServiceAccount', name, namespace: FLUX_SYSTEM })),
  };
}

/** The controllers' ServiceAccounts and the RBAC of `flux install`. */
export function fluxRbac(): KubeObject[] {
  return [
    ...ACCOUNTS.map((name): KubeObject => ({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace: FLUX_SYSTEM, labels: LABELS } })),
    // what every controller needs for its own work: its APIs, reads of the objects it references, events, leader election
    clusterRole(`crd-controller-${FLUX_SYSTEM}`, {}, [
      ...FLUX_GROUPS.map((group) => ({ apiGroups: [group], resources: ['*'], verbs: ['*'] })),
      { apiGroups: [''], resources: ['namespaces', 'secrets', 'configmaps', 'serviceaccounts'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: [''], resources: ['events'], verbs: ['create', 'patch'] },
      { apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'] },
      { apiGroups: [''], resources: ['configmaps/status'], verbs: ['get', 'update', 'patch'] },
      { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'] },
      { apiGroups: [''], resources: ['serviceaccounts/token'], verbs: ['create'] },
      { nonResourceURLs: ['/livez/ping'], verbs: ['head'] },
    ]),
    clusterRoleBinding(`crd-controller-${FLUX_SYSTEM}`, `crd-controller-${FLUX_SYSTEM}`, ACCOUNTS),
    // the appliers may do anything: what they apply is limited by the account they impersonate
    clusterRoleBinding(`cluster-reconciler-${FLUX_SYSTEM}`, 'cluster-admin', ['kustomize-controller', 'helm-controller']),
    clusterRole(
      `flux-edit-${FLUX_SYSTEM}`,
      { 'rbac.authorization.k8s.io/aggregate-to-admin': 'true', 'rbac.authorization.k8s.io/aggregate-to-edit': 'true' },
      [{ apiGroups: FLUX_GROUPS, resources: ['*'], verbs: ['create', 'delete', 'deletecollection', 'patch', 'update'] }],
    ),
    clusterRole(
      `flux-view-${FLUX_SYSTEM}`,
      {
        'rbac.authorization.k8s.io/aggregate-to-admin': 'true',
        'rbac.authorization.k8s.io/aggregate-to-edit': 'true',
        'rbac.authorization.k8s.io/aggregate-to-view': 'true',
      },
      [{ apiGroups: FLUX_GROUPS, resources: ['*'], verbs: ['get', 'list', 'watch'] }],
    ),
  ];
}

/** The first arguments `flux install` gives every controller's container (the scenario checks what the platform appends). */
export const INSTALL_ARGS = [
  '--events-addr=http://notification-controller.flux-system.svc.cluster.local./',
  '--watch-all-namespaces=true',
  '--log-level=info',
  '--log-encoding=json',
  '--enable-leader-election',
];

/**
 * A controller's Deployment as an install artifact carries it: one `manager` container with
 * `flux install`'s arguments. kwok runs its pod (nothing executes); the harness runs the real
 * controller as a local process with the arguments the applied Deployment ends up with.
 */
export function fluxDeployment(name: string, version: string): KubeObject {
  const labels = { ...LABELS, app: name };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: FLUX_SYSTEM, labels },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels },
        spec: {
          serviceAccountName: name,
          containers: [{ name: 'manager', image: `ghcr.io/fluxcd/${name}:${version}`, args: [...INSTALL_ARGS] }],
        },
      },
    },
  };
}
