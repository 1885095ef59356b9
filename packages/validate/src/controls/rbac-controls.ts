import { oidcGroup } from '@ck8s/core';
import { type Control, type ControlContext, describeObject, ofKind, type OutputObject } from './control.js';

/** Subjects that stand for everyone (or every workload): binding them grants the role to all. */
const FORBIDDEN_SUBJECTS = ['system:anonymous', 'system:unauthenticated', 'system:authenticated', 'system:serviceaccounts'];

function forbidden(name: string): boolean {
  return FORBIDDEN_SUBJECTS.includes(name) || name.startsWith('system:serviceaccounts:');
}

function operators(context: ControlContext): Set<string> {
  return new Set(context.cluster.rbac.operatorGroups.map(oidcGroup));
}

function bindings(context: ControlContext): OutputObject[] {
  return ofKind(context.objects, 'RoleBinding', 'ClusterRoleBinding');
}

function subjectsOf(binding: OutputObject): { kind: string; name: string; namespace?: string }[] {
  return binding.doc.subjects ?? [];
}

/**
 * The accounts Flux installs the platform's charts as (`namespace/name`): a ServiceAccount that a
 * HelmRelease (or a Kustomization of upstream manifests) of the output names in `spec.serviceAccountName`, in a namespace that is not a
 * tenant's. Charts create cluster-scoped objects, so each holds cluster-admin (see HelmChart in
 * @ck8s/core), as `flux install` binds helm-controller; their bindings are evidence of the
 * controls, like the operators'. A tenant's account, or one no platform release names, is never one.
 */
function releaseReconcilers(context: ControlContext): Set<string> {
  const tenants = new Set(context.cluster.tenants.map((t) => t.name));
  const found = new Set<string>();
  // and the Kustomizations that apply upstream manifests of a project without a chart, as a release would
  for (const release of [...ofKind(context.objects, 'HelmRelease'), ...ofKind(context.objects, 'Kustomization')]) {
    const namespace = release.doc.metadata?.namespace;
    const account = release.doc.spec?.serviceAccountName;
    if (typeof account === 'string' && typeof namespace === 'string' && !tenants.has(namespace)) found.add(`${namespace}/${account}`);
  }
  return found;
}

/** Non-operator subjects of a binding (service accounts of the platform's own controllers included), less Flux's release installers. */
function nonOperators(binding: OutputObject, ops: Set<string>, reconcilers: ReadonlySet<string>): string[] {
  return subjectsOf(binding)
    .filter((s) => !(s.kind === 'Group' && ops.has(s.name)) && !isReconciler(s, reconcilers))
    .map((s) => `${s.kind} ${s.name}`);
}

function isReconciler(subject: { kind: string; name: string; namespace?: string }, reconcilers: ReadonlySet<string>): boolean {
  return subject.kind === 'ServiceAccount' && reconcilers.has(`${subject.namespace}/${subject.name}`);
}

function hasWildcard(rules: any[] | undefined): boolean {
  return (rules ?? []).some((r) => [...(r.verbs ?? []), ...(r.resources ?? []), ...(r.apiGroups ?? [])].includes('*'));
}

export const RBAC_CONTROLS: readonly Control[] = [
  {
    id: 'CK8S-RBAC-001',
    title: "cluster-admin is bound only to the platform operators and the accounts Flux installs the platform's charts as",
    cis: ['5.1.1'],
    nsa: ['Authentication and authorization'],
    kubescape: ['C-0035'],
    evaluate: (context) => {
      const ops = operators(context);
      const reconcilers = releaseReconcilers(context);
      const findings: string[] = [];
      const evidence: string[] = [];
      for (const b of bindings(context).filter((x) => x.doc.roleRef?.name === 'cluster-admin')) {
        const others = nonOperators(b, ops, reconcilers);
        if (others.length > 0) findings.push(`${describeObject(b)} grants cluster-admin to ${others.join(', ')}, who are not platform operators`);
        else evidence.push(describeObject(b));
      }
      return { findings, objects: evidence };
    },
  },
  {
    id: 'CK8S-RBAC-002',
    title: "no wildcard verbs, resources or API groups for anyone but the platform operators and Flux's chart installers",
    cis: ['5.1.3'],
    nsa: ['Authentication and authorization'],
    kubescape: [],
    evaluate: (context) => {
      const ops = operators(context);
      const reconcilers = releaseReconcilers(context);
      const roles = ofKind(context.objects, 'Role', 'ClusterRole');
      const findings: string[] = [];
      const evidence: string[] = [];
      for (const b of bindings(context)) {
        const ref = b.doc.roleRef ?? {};
        const role = roles.find(
          (r) =>
            r.doc.kind === ref.kind &&
            r.doc.metadata.name === ref.name &&
            (r.doc.kind === 'ClusterRole' || r.doc.metadata.namespace === b.doc.metadata.namespace),
        );
        // cluster-admin is the built-in wildcard role; other built-in roles (admin, edit, view) have none
        const wildcard = ref.name === 'cluster-admin' || hasWildcard(role?.doc.rules);
        const others = nonOperators(b, ops, reconcilers);
        if (wildcard && others.length > 0)
          findings.push(`${describeObject(b)} grants wildcard rights (${ref.kind} ${ref.name}) to ${others.join(', ')}`);
        else evidence.push(describeObject(b));
      }
      return { findings, objects: evidence };
    },
  },
  {
    id: 'CK8S-RBAC-003',
    title: 'nothing is bound to everyone: system:anonymous, system:unauthenticated, system:authenticated or whole groups of service accounts',
    cis: ['5.1.1'],
    nsa: ['Authentication and authorization'],
    kubescape: [],
    evaluate: (context) => {
      const findings = bindings(context)
        .filter((b) => subjectsOf(b).some((s) => forbidden(s.name)))
        .map(
          (b) =>
            `${describeObject(b)} binds ${subjectsOf(b)
              .filter((s) => forbidden(s.name))
              .map((s) => s.name)
              .join(', ')}`,
        );
      return { findings, objects: bindings(context).map(describeObject) };
    },
  },
];
