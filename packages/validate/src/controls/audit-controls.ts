import { type Control, type ControlContext, describeObject } from './control.js';

const LEVELS = ['None', 'Metadata', 'Request', 'RequestResponse'];

interface Probe {
  readonly what: string;
  readonly user: string;
  readonly groups: readonly string[];
  readonly verb: string;
  readonly group: string;
  readonly resource: string;
  readonly namespace?: string;
  /** Level the probe must be logged at, at least. */
  readonly atLeast?: string;
  /** Level the probe must not exceed (never log the contents of secrets). */
  readonly atMost?: string;
}

const PROBES: readonly Probe[] = [
  {
    what: 'reading a Secret',
    user: 'alice',
    groups: ['oidc:team-a-admins'],
    verb: 'get',
    group: '',
    resource: 'secrets',
    namespace: 'team-a',
    atLeast: 'Metadata',
    atMost: 'Metadata',
  },
  {
    what: 'writing a Secret',
    user: 'alice',
    groups: ['oidc:team-a-admins'],
    verb: 'update',
    group: '',
    resource: 'secrets',
    namespace: 'team-a',
    atLeast: 'Metadata',
    atMost: 'Metadata',
  },
  {
    what: 'writing a ConfigMap',
    user: 'alice',
    groups: ['oidc:team-a-admins'],
    verb: 'create',
    group: '',
    resource: 'configmaps',
    namespace: 'team-a',
    atLeast: 'Metadata',
    atMost: 'Metadata',
  },
  {
    what: 'a TokenReview',
    user: 'system:serviceaccount:monitoring:prometheus',
    groups: ['system:serviceaccounts'],
    verb: 'create',
    group: 'authentication.k8s.io',
    resource: 'tokenreviews',
    atLeast: 'Metadata',
    atMost: 'Metadata',
  },
  {
    what: 'a RoleBinding change',
    user: 'alice',
    groups: ['oidc:team-a-admins'],
    verb: 'create',
    group: 'rbac.authorization.k8s.io',
    resource: 'rolebindings',
    namespace: 'team-a',
    atLeast: 'RequestResponse',
  },
  {
    what: 'a ClusterRole change',
    user: 'bob',
    groups: ['oidc:platform-operators'],
    verb: 'patch',
    group: 'rbac.authorization.k8s.io',
    resource: 'clusterroles',
    atLeast: 'RequestResponse',
  },
  {
    what: 'kubectl exec',
    user: 'alice',
    groups: ['oidc:team-a-admins'],
    verb: 'create',
    group: '',
    resource: 'pods/exec',
    namespace: 'team-a',
    atLeast: 'Metadata',
  },
  {
    what: 'kubectl attach',
    user: 'alice',
    groups: ['oidc:team-a-admins'],
    verb: 'create',
    group: '',
    resource: 'pods/attach',
    namespace: 'team-a',
    atLeast: 'Metadata',
  },
  {
    what: 'kubectl port-forward',
    user: 'alice',
    groups: ['oidc:team-a-admins'],
    verb: 'create',
    group: '',
    resource: 'pods/portforward',
    namespace: 'team-a',
    atLeast: 'Metadata',
  },
  {
    what: 'creating a Deployment',
    user: 'alice',
    groups: ['oidc:team-a-admins'],
    verb: 'create',
    group: 'apps',
    resource: 'deployments',
    namespace: 'team-a',
    atLeast: 'Request',
  },
  {
    what: 'reading a Pod',
    user: 'alice',
    groups: ['oidc:team-a-admins'],
    verb: 'get',
    group: '',
    resource: 'pods',
    namespace: 'team-a',
    atLeast: 'Metadata',
  },
];

function matches(list: readonly string[] | undefined, value: string): boolean {
  return list === undefined || list.length === 0 || list.includes(value);
}

/** The level an audit policy logs a request at: the first rule that matches decides. */
export function auditLevel(policy: any, probe: Probe): string {
  for (const rule of policy?.rules ?? []) {
    if (rule.nonResourceURLs) continue;
    if (!matches(rule.users, probe.user)) continue;
    if (rule.userGroups && !rule.userGroups.some((g: string) => probe.groups.includes(g))) continue;
    if (!matches(rule.verbs, probe.verb)) continue;
    if (rule.namespaces && !(probe.namespace && rule.namespaces.includes(probe.namespace))) continue;
    if (
      rule.resources &&
      !rule.resources.some(
        (r: any) => (r.group ?? '') === probe.group && (!r.resources || r.resources.length === 0 || r.resources.includes(probe.resource)),
      )
    )
      continue;
    return rule.level;
  }
  return 'None';
}

function rank(level: string): number {
  return LEVELS.indexOf(level);
}

/** The kube-apiserver flags of the node files: kubeadm's extraArgs list and Talos' extraArgs map. */
export function apiServerFlags(context: ControlContext): { kubeadm: Map<string, string>; talos: Record<string, string> } {
  const kubeadm = new Map<string, string>(
    (context.nodeFiles.get('kubeadm-patch.yaml')?.doc?.apiServer?.extraArgs ?? []).map((a: any) => [a.name, a.value]),
  );
  const talos = context.nodeFiles.get('talos-patch.yaml')?.doc?.cluster?.apiServer?.extraArgs ?? {};
  return { kubeadm, talos };
}

export const AUDIT_CONTROLS: readonly Control[] = [
  {
    id: 'CK8S-AUD-001',
    title: 'the API server writes an audit log whose policy covers the key security events without logging secret contents',
    cis: ['3.2.1', '3.2.2', '1.2.16', '1.2.17', '1.2.18', '1.2.19'],
    nsa: ['Audit logging and threat detection'],
    kubescape: ['C-0067'],
    evaluate: (context) => {
      const file = context.nodeFiles.get('audit-policy.yaml');
      if (!file) return { findings: ['node/audit-policy.yaml is missing'], objects: [] };
      const policy = file.doc;
      const findings: string[] = [];
      if (policy.apiVersion !== 'audit.k8s.io/v1' || policy.kind !== 'Policy') findings.push(`${file.file} is not an audit.k8s.io/v1 Policy`);
      if (!(policy.omitStages ?? []).includes('RequestReceived')) findings.push(`${file.file}: omitStages does not include RequestReceived`);
      for (const probe of PROBES) {
        const level = auditLevel(policy, probe);
        if (probe.atLeast && rank(level) < rank(probe.atLeast))
          findings.push(`${file.file}: ${probe.what} is logged at ${level}, needs at least ${probe.atLeast}`);
        if (probe.atMost && rank(level) > rank(probe.atMost))
          findings.push(`${file.file}: ${probe.what} is logged at ${level}, which would record its contents (at most ${probe.atMost})`);
      }
      const { kubeadm } = apiServerFlags(context);
      for (const flag of ['audit-policy-file', 'audit-log-path', 'audit-log-maxage', 'audit-log-maxbackup', 'audit-log-maxsize']) {
        if (!kubeadm.get(flag)) findings.push(`node/kubeadm-patch.yaml: kube-apiserver flag --${flag} is not set`);
      }
      if (JSON.stringify(context.nodeFiles.get('talos-patch.yaml')?.doc?.cluster?.apiServer?.auditPolicy) !== JSON.stringify(policy)) {
        findings.push('node/talos-patch.yaml: cluster.apiServer.auditPolicy differs from node/audit-policy.yaml');
      }
      return { findings, objects: [describeObject(file)] };
    },
  },
  {
    id: 'CK8S-AUTH-001',
    title: 'people authenticate to the API server through the OIDC identity provider, with prefixed groups',
    cis: ['3.1.1'],
    nsa: ['Authentication and authorization'],
    kubescape: [],
    evaluate: (context) => {
      const { kubeadm, talos } = apiServerFlags(context);
      const findings: string[] = [];
      for (const [where, get] of [
        ['node/kubeadm-patch.yaml', (k: string) => kubeadm.get(k)],
        ['node/talos-patch.yaml', (k: string) => talos[k]],
      ] as const) {
        const issuer = get('oidc-issuer-url');
        if (!issuer?.startsWith('https://')) findings.push(`${where}: oidc-issuer-url is not an https URL (${issuer ?? 'missing'})`);
        if (!get('oidc-client-id')) findings.push(`${where}: oidc-client-id is missing`);
        if (!get('oidc-groups-claim')) findings.push(`${where}: oidc-groups-claim is missing`);
        if (!get('oidc-groups-prefix'))
          findings.push(`${where}: oidc-groups-prefix is missing, so an identity-provider group could pose as a Kubernetes group`);
      }
      return {
        findings,
        objects: ['node/kubeadm-patch.yaml', 'node/talos-patch.yaml']
          .filter((f) => context.nodeFiles.has(f.slice(5)))
          .map((f) => `clusters/${context.cluster.name}/${f}`),
      };
    },
  },
  {
    id: 'CK8S-SEC-001',
    title: "Secrets are committed only sops-encrypted to the cluster's own age recipients",
    cis: ['5.4.1'],
    nsa: ['Authentication and authorization'],
    kubescape: ['C-0012'],
    evaluate: (context) => ({
      findings: context.secretProblems,
      objects: context.objects.filter((o) => o.doc.kind === 'Secret').map(describeObject),
    }),
  },
];
