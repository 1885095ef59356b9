import { ApiObject, Lazy } from 'cdk8s';
import type { Construct, IConstruct } from 'constructs';
import { AppProject, ARGOCD_NAMESPACE, ARGOCD_PROJECT, Component, componentsOf, type GroupKind, HelmChart, IN_CLUSTER } from '@ck8s/core';

export interface ArgoCdProjectProps {
  /** URL of the git repository holding the fleet: the only git source the project allows. */
  readonly repository: string;
}

/**
 * The AppProject every generated Application belongs to (`argocd/project.yaml`): sources are the
 * fleet repository and the chart repositories of the cluster's releases, the destination is the
 * cluster Argo CD runs in and only the namespaces the layers and releases use, and the cluster-scoped
 * kinds allowed are exactly those the layers contain plus those the releases' charts declare
 * (`expects.clusterObjects`, and CustomResourceDefinition for a chart whose CRDs Helm applies).
 * Everything is read from the other components when the project is rendered, so a new kind in a
 * layer widens the project in review, never by a hand-kept list.
 */
export class ArgoCdProject extends Component {
  constructor(scope: Construct, id: string, props: ArgoCdProjectProps) {
    super(scope, id, { layer: 'flux-system' });
    const root = this.node.root;
    new AppProject(this, 'project', {
      metadata: { name: ARGOCD_PROJECT, namespace: ARGOCD_NAMESPACE },
      spec: {
        description: 'the platform: the fleet repository and the pinned charts, into this cluster only',
        sourceRepos: Lazy.any({ produce: () => [props.repository, ...chartRepositories(root)] }),
        destinations: Lazy.any({ produce: () => destinationNamespaces(root, this).map((namespace) => ({ server: IN_CLUSTER, namespace })) }),
        clusterResourceWhitelist: Lazy.any({ produce: () => clusterKinds(root, this) }),
        orphanedResources: { warn: true },
      },
    });
  }
}

function charts(root: IConstruct): HelmChart[] {
  return root.node.findAll().filter((c): c is HelmChart => c instanceof HelmChart);
}

/** The API objects of every component but the project itself. */
function objects(root: IConstruct, self: Component): ApiObject[] {
  return componentsOf(root)
    .filter((c) => c !== self)
    .flatMap((c) => c.node.findAll().filter((o): o is ApiObject => ApiObject.isApiObject(o)));
}

function chartRepositories(root: IConstruct): string[] {
  const repos = charts(root).flatMap((c) =>
    c.application ? [(c.application.toJson() as { spec: { source: { repoURL: string } } }).spec.source.repoURL] : [],
  );
  return [...new Set(repos)].sort();
}

function destinationNamespaces(root: IConstruct, self: Component): string[] {
  const namespaces = new Set<string>([ARGOCD_NAMESPACE]);
  for (const o of objects(root, self)) {
    if (o.metadata.namespace) namespaces.add(o.metadata.namespace);
    if (o.kind === 'Namespace' && o.apiGroup === 'core') namespaces.add(o.name);
  }
  for (const c of charts(root)) namespaces.add(c.namespace);
  return [...namespaces].sort();
}

/** Cluster-scoped kinds: objects of the layers without a namespace, and what the charts declare. */
function clusterKinds(root: IConstruct, self: Component): GroupKind[] {
  const kinds = new Map<string, GroupKind>();
  const add = (group: string, kind: string): void => {
    kinds.set(`${group}/${kind}`, { group, kind });
  };
  for (const o of objects(root, self)) if (!o.metadata.namespace) add(o.apiGroup === 'core' ? '' : o.apiGroup, o.kind);
  for (const c of charts(root)) {
    if (!c.application) continue;
    const skipCrds = (c.application.toJson() as { spec: { source: { helm: { skipCrds?: boolean } } } }).spec.source.helm.skipCrds;
    if (!skipCrds) add('apiextensions.k8s.io', 'CustomResourceDefinition');
    for (const ref of c.expects?.clusterObjects ?? []) {
      const kind = ref.split('/')[0]!;
      const group = CLUSTER_KIND_GROUPS[kind];
      if (group === undefined)
        throw new Error(
          `chart ${c.entry.chart} declares cluster object ${ref}, whose API group the Argo CD project does not know; add it to CLUSTER_KIND_GROUPS`,
        );
      add(group, kind);
    }
  }
  return [...kinds.values()].sort((a, b) => compare(`${a.group}/${a.kind}`, `${b.group}/${b.kind}`));
}

/** API groups of the cluster-scoped kinds charts declare in `expects.clusterObjects`. */
const CLUSTER_KIND_GROUPS: Readonly<Record<string, string>> = {
  ClusterRole: 'rbac.authorization.k8s.io',
  ClusterRoleBinding: 'rbac.authorization.k8s.io',
  ValidatingWebhookConfiguration: 'admissionregistration.k8s.io',
  MutatingWebhookConfiguration: 'admissionregistration.k8s.io',
  ValidatingAdmissionPolicy: 'admissionregistration.k8s.io',
  ValidatingAdmissionPolicyBinding: 'admissionregistration.k8s.io',
  APIService: 'apiregistration.k8s.io',
  PriorityClass: 'scheduling.k8s.io',
  StorageClass: 'storage.k8s.io',
  IngressClass: 'networking.k8s.io',
  CustomResourceDefinition: 'apiextensions.k8s.io',
};

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
