import type { ChartExpectations } from '@ck8s/core';
import type { RenderedObject } from './helm-template.js';
import { egressDenied, type ExternalDestination } from './network-reach.js';
import { allContainers, CLUSTER_SCOPED_KINDS, helmHook, imageRegistry, objectRef, podTemplate, WORKLOAD_KINDS } from './pod-templates.js';

/** The checks of the render verification; each problem is reported under one. */
export type RenderCheck =
  'render' | 'schema' | 'pod-security' | 'admission' | 'api-server' | 'reference' | 'registry' | 'unexpected' | 'missing' | 'flow';

/** One release's rendered objects (after post-render patches) and what its component declared. */
export interface RenderedRelease {
  readonly component: string;
  /** HelmRelease name. */
  readonly release: string;
  readonly namespace: string;
  /** `<chart>-<version>`. */
  readonly chart: string;
  readonly objects: readonly RenderedObject[];
  /** Registries declared for the chart in charts/catalog.yaml. */
  readonly registries: readonly string[] | undefined;
  readonly expects: ChartExpectations | undefined;
}

export interface RenderProblem {
  readonly cluster: string;
  readonly component: string;
  readonly release: string;
  readonly chart: string;
  readonly check: RenderCheck;
  /** `Kind/name` of the rendered object, `namespace/Kind/name` when it is not in the release's namespace. */
  readonly object: string;
  readonly message: string;
}

/** A Pod Security verdict: what the namespace's enforced level rejects in an object, as messages. */
export type PodSecurityCheck = (object: RenderedObject, namespace: string, level: 'baseline' | 'restricted') => readonly string[];

/** The platform's admission rules (beyond Pod Security) an object violates in a namespace: rule id and message. */
export type AdmissionCheck = (object: RenderedObject, namespace: string) => readonly { readonly rule: string; readonly message: string }[];

/** An admission exception a component declared and the render used: listed in the report like tenants' exceptions. */
export interface RenderException {
  readonly cluster: string;
  readonly component: string;
  readonly workload: string;
  readonly rule: string;
  readonly reason: string;
}

export interface CheckRenderedClusterProps {
  readonly cluster: string;
  readonly releases: readonly RenderedRelease[];
  /** The cluster's committed output: Namespaces, NetworkPolicies, Secrets (sops), ServiceAccounts, RoleBindings, ... */
  readonly generated: readonly RenderedObject[];
  /** `Kind/namespace/name` of objects an operator creates at bootstrap, never in git. @default none */
  readonly bootstrapObjects?: readonly string[];
  readonly apiServer: ExternalDestination;
  readonly podSecurity: PodSecurityCheck;
  /** The platform's own admission rules, which platform workloads are held to as well. @default none */
  readonly admission?: AdmissionCheck;
  /** Collects the admission exceptions that applied. @default not collected */
  readonly exceptions?: RenderException[];
}

const ALWAYS_PRESENT: Readonly<Record<string, readonly string[]>> = {
  // every namespace has these from the moment it exists
  ConfigMap: ['kube-root-ca.crt'],
  ServiceAccount: ['default'],
};

/**
 * Checks one cluster's rendered charts against the platform's rules (kubeconform runs apart):
 * Pod Security at each namespace's enforced level; egress to the API server for every pod that
 * calls it (bound ServiceAccount or hook Job); referenced Secrets, ConfigMaps and ServiceAccounts
 * exist; images only from the chart's declared registries; no workload or cluster-scoped object
 * the component did not declare, and none declared that is not rendered.
 */
export function checkRenderedCluster(props: CheckRenderedClusterProps): RenderProblem[] {
  const problems: RenderProblem[] = [];
  const everything = [...props.generated, ...props.releases.flatMap((r) => r.objects)];
  const namespaceOf = (o: RenderedObject, release: RenderedRelease): string => o.metadata?.namespace ?? release.namespace;
  const levels = new Map<string, string>();
  for (const o of props.generated)
    if (o.kind === 'Namespace') levels.set(o.metadata?.name, o.metadata?.labels?.['pod-security.kubernetes.io/enforce'] ?? 'privileged');

  // what exists in each namespace once the charts are installed
  const exists = new Set<string>();
  const add = (kind: string, namespace: string, name: string): void => void exists.add(`${kind}/${namespace}/${name}`);
  for (const ref of props.bootstrapObjects ?? []) exists.add(ref);
  for (const o of everything) {
    const ns = o.metadata?.namespace ?? props.releases.find((r) => r.objects.includes(o))?.namespace ?? '';
    if (o.kind === 'Secret' || o.kind === 'ConfigMap' || o.kind === 'ServiceAccount') add(o.kind, ns, o.metadata?.name);
    // made at install: cert-manager writes a Certificate's Secret, hook Jobs pass the Secret they create as --secret-name
    if (o.kind === 'Certificate' && o.spec?.secretName) add('Secret', ns, o.spec.secretName);
    const template = podTemplate(o);
    if (template && helmHook(o)) {
      for (const c of allContainers(template.spec)) {
        const args: string[] = [...(c.args ?? []), ...(c.command ?? [])].map(String);
        args.forEach((a, i) => {
          if (a.startsWith('--secret-name=')) add('Secret', ns, a.slice('--secret-name='.length));
          else if (a === '--secret-name' && args[i + 1]) add('Secret', ns, args[i + 1]!);
        });
      }
    }
  }

  // ServiceAccounts bound to any role, by namespace/name
  const bound = new Map<string, string>();
  for (const o of everything) {
    if (o.kind !== 'RoleBinding' && o.kind !== 'ClusterRoleBinding') continue;
    for (const s of o.subjects ?? []) {
      if (s?.kind !== 'ServiceAccount') continue;
      const ns = s.namespace ?? o.metadata?.namespace ?? props.releases.find((r) => r.objects.includes(o))?.namespace;
      bound.set(`${ns}/${s.name}`, `${o.kind}/${o.metadata?.name} -> ${o.roleRef?.kind}/${o.roleRef?.name}`);
    }
  }
  const policies = everything.filter((o) => o.kind === 'NetworkPolicy');

  for (const release of props.releases) {
    const problem = (check: RenderCheck, o: RenderedObject | string, message: string): void => {
      const object =
        typeof o === 'string'
          ? o
          : o.metadata?.namespace && o.metadata.namespace !== release.namespace
            ? `${o.metadata.namespace}/${objectRef(o)}`
            : objectRef(o);
      problems.push({ cluster: props.cluster, component: release.component, release: release.release, chart: release.chart, check, object, message });
    };
    const expects = release.expects;
    const expectedWorkloads = new Set(expects?.workloads ?? []);
    const expectedCluster = new Set(expects?.clusterObjects ?? []);
    const noApi = new Map((expects?.noApiAccess ?? []).map((e) => [e.workload, e.reason]));
    const excepted = new Map((expects?.admissionExceptions ?? []).map((e) => [`${e.workload} ${e.rule}`, e]));
    const usedExceptions = new Set<string>();
    const seen = new Set<string>();

    for (const o of release.objects) {
      const ref = objectRef(o);
      const ns = namespaceOf(o, release);
      if (WORKLOAD_KINDS.has(o.kind) || CLUSTER_SCOPED_KINDS.has(o.kind)) {
        seen.add(ref);
        const expected = WORKLOAD_KINDS.has(o.kind) ? expectedWorkloads.has(ref) : expectedCluster.has(ref);
        if (!expected) {
          const what = WORKLOAD_KINDS.has(o.kind) ? `workload${helmHook(o) ? ` (hook ${helmHook(o)})` : ''}` : describeClusterObject(o);
          problem(
            'unexpected',
            o,
            `the chart renders ${what} that component ${release.component} does not declare; declare it in the HelmChart's expects if it belongs, or turn it off with a value`,
          );
        }
      }
      const template = podTemplate(o);
      if (!template) continue;
      const { spec, labels } = template;

      // Pod Security at the level the namespace enforces
      const level = levels.get(ns);
      if (level === undefined) problem('pod-security', o, `namespace ${ns} is not created by the platform, so its Pod Security level is unknown`);
      else if (level === 'baseline' || level === 'restricted')
        for (const m of props.podSecurity(o, ns, level)) problem('pod-security', o, `${level} (namespace ${ns}): ${m}`);

      // the platform's admission rules, with the component's named exceptions
      for (const v of props.admission?.(o, ns) ?? []) {
        const exception = excepted.get(`${ref} ${v.rule}`);
        if (!exception) problem('admission', o, `${v.message}; fix it with a value, or declare an admission exception with its reason`);
        else if (!usedExceptions.has(`${ref} ${v.rule}`)) {
          usedExceptions.add(`${ref} ${v.rule}`);
          props.exceptions?.push({ cluster: props.cluster, component: release.component, workload: ref, rule: v.rule, reason: exception.reason });
        }
      }

      // the API server, for pods that call it
      const serviceAccount: string = spec.serviceAccountName ?? spec.serviceAccount ?? 'default';
      const binding = bound.get(`${ns}/${serviceAccount}`);
      const hook = helmHook(o);
      if ((binding || hook) && !noApi.has(ref)) {
        const denied = egressDenied(policies, ns, labels, props.apiServer);
        if (denied)
          problem(
            'api-server',
            o,
            `calls the API server (${[hook ? `hook ${hook}` : '', binding ? `ServiceAccount ${serviceAccount} bound by ${binding}` : ''].filter(Boolean).join('; ')}) but has ${denied}`,
          );
      }

      // references
      const need = (kind: string, name: string | undefined, why: string, optional?: boolean): void => {
        if (!name || optional || ALWAYS_PRESENT[kind]?.includes(name) || exists.has(`${kind}/${ns}/${name}`)) return;
        problem('reference', o, `${why} ${kind} ${ns}/${name}, which neither the chart, the generated output nor a sops file creates`);
      };
      need('ServiceAccount', serviceAccount, 'runs as');
      for (const s of spec.imagePullSecrets ?? []) need('Secret', s?.name, 'pulls with');
      for (const v of spec.volumes ?? []) {
        if (v?.secret) need('Secret', v.secret.secretName, `mounts (volume ${v.name})`, v.secret.optional);
        if (v?.configMap) need('ConfigMap', v.configMap.name, `mounts (volume ${v.name})`, v.configMap.optional);
        for (const p of v?.projected?.sources ?? []) {
          if (p?.secret) need('Secret', p.secret.name, `mounts (volume ${v.name})`, p.secret.optional);
          if (p?.configMap) need('ConfigMap', p.configMap.name, `mounts (volume ${v.name})`, p.configMap.optional);
        }
      }
      for (const c of allContainers(spec)) {
        for (const e of c.env ?? []) {
          if (e?.valueFrom?.secretKeyRef)
            need('Secret', e.valueFrom.secretKeyRef.name, `reads (container ${c.name}, env ${e.name})`, e.valueFrom.secretKeyRef.optional);
          if (e?.valueFrom?.configMapKeyRef)
            need('ConfigMap', e.valueFrom.configMapKeyRef.name, `reads (container ${c.name}, env ${e.name})`, e.valueFrom.configMapKeyRef.optional);
        }
        for (const e of c.envFrom ?? []) {
          if (e?.secretRef) need('Secret', e.secretRef.name, `reads (container ${c.name}, envFrom)`, e.secretRef.optional);
          if (e?.configMapRef) need('ConfigMap', e.configMapRef.name, `reads (container ${c.name}, envFrom)`, e.configMapRef.optional);
        }
        // images
        if (typeof c.image !== 'string') continue;
        const registry = imageRegistry(c.image);
        if (!release.registries)
          problem(
            'registry',
            o,
            `image ${c.image} (container ${c.name}): no registries are declared for chart ${release.chart.replace(/-v?[0-9][^-]*$/, '')} in charts/catalog.yaml`,
          );
        else if (!release.registries.includes(registry))
          problem(
            'registry',
            o,
            `image ${c.image} (container ${c.name}) comes from ${registry}, which is not among the chart's registries in charts/catalog.yaml (${release.registries.join(', ')})`,
          );
      }
    }

    for (const ref of [...expectedWorkloads, ...expectedCluster]) {
      if (!seen.has(ref))
        problem(
          'missing',
          ref,
          `component ${release.component} declares ${ref}, but the chart does not render it; remove it from the HelmChart's expects`,
        );
    }
    for (const p of expects?.operatorPods ?? [])
      if (!release.objects.some((o) => objectRef(o) === p.resource))
        problem(
          'missing',
          p.resource,
          `component ${release.component} declares pods an operator makes from ${p.resource}, but the chart does not render it`,
        );
    for (const ref of noApi.keys())
      if (!expectedWorkloads.has(ref)) problem('missing', ref, `an API access exception names ${ref}, which is not a declared workload`);
    if (props.admission) {
      for (const [key, e] of excepted)
        if (!usedExceptions.has(key))
          problem(
            'missing',
            e.workload,
            `the admission exception for rule ${e.rule} is not needed: the rendered ${e.workload} does not break it; remove the exception`,
          );
    }
  }
  return problems;
}

function describeClusterObject(o: RenderedObject): string {
  if (o.kind === 'ClusterRole') {
    const rules: RenderedObject[] = o.rules ?? [];
    const verbs = [...new Set(rules.flatMap((r) => r.verbs ?? []))].sort();
    return `a ClusterRole (verbs ${verbs.join(', ') || 'none'}${o.aggregationRule ? ', aggregated' : ''})`;
  }
  if (o.kind === 'ClusterRoleBinding') return `a ClusterRoleBinding to ${o.roleRef?.kind}/${o.roleRef?.name}`;
  return `a cluster-scoped ${o.kind}`;
}
