import { LABELS, type LabelExpression } from '@ck8s/core';
import type { RenderedObject } from './helm-template.js';
import { selects } from './network-reach.js';
import { allContainers, objectRef, podTemplate } from './pod-templates.js';
import type { RenderedRelease, RenderProblem } from './render-checks.js';

type Labels = Readonly<Record<string, string>>;

/** Pods a flow names: a namespace and a selector, as `Pods` in @ck8s/core. */
export interface FlowPods {
  /** Short name, as the derived NetworkPolicies use it. */
  readonly name: string;
  readonly namespace: string;
  /** @default every pod of the namespace (with no expressions either) */
  readonly labels?: Labels;
  /** @default none */
  readonly expressions?: readonly LabelExpression[];
}

/** One end of a declared flow: pods, or an end outside the rendered pods, said as the reason the flow is skipped. */
export type FlowEnd = { readonly pods: FlowPods } | { readonly outside: string };

/** A flow a component declared, its roles resolved to the pods that play them. */
export interface DeclaredFlow {
  readonly component: string;
  readonly from: FlowEnd;
  readonly to: FlowEnd;
  readonly ports: readonly { readonly port: number; readonly protocol?: string }[];
}

/** How many declared flows were checked, and why the others were not. */
export interface FlowSummary {
  readonly checked: number;
  /** Skipped flows by reason, sorted by reason. */
  readonly skipped: readonly { readonly reason: string; readonly count: number }[];
}

export interface CheckDeclaredFlowsProps {
  readonly cluster: string;
  readonly flows: readonly DeclaredFlow[];
  readonly releases: readonly RenderedRelease[];
  /** The cluster's committed output: Namespaces (their labels), NetworkPolicies, generated workloads and Services. */
  readonly generated: readonly RenderedObject[];
  /** Pods operators make from generated custom resources (`Kind/name` in a namespace), with their labels and ports. @default none */
  readonly operatorPods?: readonly {
    readonly resource: string;
    readonly namespace: string;
    readonly labels: Labels;
    readonly ports: readonly number[];
  }[];
  /** Tenant namespaces: a flow into the whole of one ends at the tenant's applications, which nothing renders. @default none */
  readonly tenantNamespaces?: readonly string[];
}

/** A pod template as the flow check sees it: where it runs, its labels, its container ports. */
interface RunningPods {
  readonly namespace: string;
  /** `Kind/name` of the workload, or the custom resource an operator makes the pods from. */
  readonly workload: string;
  readonly release: RenderedRelease | undefined;
  readonly labels: Labels;
  /** Container ports: number and name. */
  readonly ports: readonly { readonly port: number; readonly name?: string }[];
}

/**
 * Every declared flow between pods the charts (or the generated output) run must land: the
 * destination selector matches a rendered pod template in its namespace, the port is a container
 * port of such a pod (or a Service port whose targetPort is one), and the cluster's NetworkPolicies
 * let it through on both sides (egress where it starts, ingress where it ends). Flows with an end
 * outside the cluster's pods, or into a namespace where nothing rendered runs pods, are counted as
 * skipped with the reason. So are flows into a tenant's namespace (a chart can run there: a data
 * service's release) that land on none of its rendered pods, or, to the whole namespace, on a port
 * none of them serves: they are for the tenant's own workloads and the pods operators make from
 * generated resources, which no chart renders.
 */
export function checkDeclaredFlows(props: CheckDeclaredFlowsProps): { problems: RenderProblem[]; summary: FlowSummary } {
  const problems: RenderProblem[] = [];
  const skipped = new Map<string, number>();
  const skip = (reason: string): void => void skipped.set(reason, (skipped.get(reason) ?? 0) + 1);
  let checked = 0;

  const running: RunningPods[] = [];
  const services: { namespace: string; object: RenderedObject }[] = [];
  const policies: { namespace: string; object: RenderedObject }[] = [];
  const nsLabels = new Map<string, Labels>();
  const collect = (o: RenderedObject, namespace: string, release: RenderedRelease | undefined): void => {
    if (o.kind === 'Service') services.push({ namespace, object: o });
    if (o.kind === 'NetworkPolicy') policies.push({ namespace, object: o });
    if (o.kind === 'Namespace') nsLabels.set(o.metadata?.name, o.metadata?.labels ?? {});
    const template = podTemplate(o);
    if (!template) return;
    const ports = allContainers(template.spec).flatMap((c) =>
      (c.ports ?? [])
        .filter((p: RenderedObject) => typeof p?.containerPort === 'number')
        .map((p: RenderedObject) => ({ port: p.containerPort as number, ...(typeof p.name === 'string' ? { name: p.name } : {}) })),
    );
    running.push({ namespace, workload: objectRef(o), release, labels: template.labels, ports });
  };
  for (const o of props.generated) collect(o, o.metadata?.namespace ?? '', undefined);
  for (const r of props.releases) {
    for (const o of r.objects) collect(o, o.metadata?.namespace ?? r.namespace, r);
    // pods an operator makes from a custom resource the chart renders: declared, since no chart renders them
    for (const p of r.expects?.operatorPods ?? []) {
      const [kind, name] = p.resource.split('/');
      if (r.objects.some((o) => o.kind === kind && o.metadata?.name === name))
        running.push({
          namespace: r.namespace,
          workload: `${p.resource} (operator)`,
          release: r,
          labels: p.labels,
          ports: p.ports.map((port) => ({ port })),
        });
    }
  }
  for (const p of props.operatorPods ?? []) {
    const [kind, name] = p.resource.split('/');
    if (props.generated.some((o) => o.kind === kind && o.metadata?.name === name && o.metadata?.namespace === p.namespace))
      running.push({
        namespace: p.namespace,
        workload: `${p.resource} (operator)`,
        release: undefined,
        labels: p.labels,
        ports: p.ports.map((port) => ({ port })),
      });
  }
  const namespaceLabels = (ns: string): Labels => ({ ...nsLabels.get(ns), 'kubernetes.io/metadata.name': ns });
  const matching = (pods: FlowPods): RunningPods[] => running.filter((r) => r.namespace === pods.namespace && selects(selectorOf(pods), r.labels));

  for (const flow of props.flows) {
    const outside = [flow.from, flow.to].find((e): e is { outside: string } => 'outside' in e);
    if (outside) {
      skip(outside.outside);
      continue;
    }
    const from = (flow.from as { pods: FlowPods }).pods;
    const to = (flow.to as { pods: FlowPods }).pods;
    if (!to.labels && !to.expressions && (props.tenantNamespaces ?? []).includes(to.namespace)) {
      skip(`into the whole of tenant namespace ${to.namespace}, whose applications nothing renders`);
      continue;
    }
    if (!running.some((r) => r.namespace === to.namespace)) {
      skip(`into ${to.namespace}, where nothing rendered runs pods`);
      continue;
    }
    const targets = matching(to);
    if (LABELS.tenant in (nsLabels.get(to.namespace) ?? {})) {
      const whole = !to.labels && !to.expressions;
      const served = flow.ports.every(({ port }) => targets.some((t) => t.ports.some((p) => p.port === port)));
      if (targets.length === 0 || (whole && !served)) {
        skip(`into tenant namespace ${to.namespace}, to pods no chart renders (the tenant's own, or made by an operator)`);
        continue;
      }
    }
    checked++;
    const sources = matching(from);
    const ports = flow.ports.map((p) => p.port).join(',');
    const object = `flow ${from.name} -> ${to.name}:${ports}`;
    const owner =
      props.releases.find((r) => r.component === flow.component && r.namespace === to.namespace) ??
      props.releases.find((r) => r.component === flow.component);
    const problem = (message: string, release = owner ?? targets[0]?.release): void =>
      void problems.push({
        cluster: props.cluster,
        component: flow.component,
        release: release?.release ?? '-',
        chart: release?.chart ?? '-',
        check: 'flow',
        object,
        message,
      });

    if (targets.length === 0) {
      problem(`lands on no rendered pod: selector ${describeSelector(to)} matches nothing in ${to.namespace}`);
      continue;
    }
    const sourceRendered = running.some((r) => r.namespace === from.namespace);
    if (sourceRendered && sources.length === 0) {
      problem(`starts at no rendered pod: selector ${describeSelector(from)} matches nothing in ${from.namespace}`);
      continue;
    }
    // where the source runs nothing rendered (kube-system, a tenant's namespace), its declared labels stand for its pods
    const senders: { labels: Labels; workload: string }[] =
      sources.length > 0 ? sources : [{ labels: declaredLabels(from), workload: `pods ${describeSelector(from)}` }];

    for (const { port } of flow.ports) {
      // the pods that receive on the port: a container port, or the targetPort of a Service port
      const receivers: { pods: RunningPods; port: number }[] = [];
      const notes: string[] = [];
      for (const t of targets) if (t.ports.some((p) => p.port === port)) receivers.push({ pods: t, port });
      if (receivers.length === 0) {
        for (const s of services.filter((s) => s.namespace === to.namespace)) {
          const selector = s.object.spec?.selector;
          if (!selector || typeof selector !== 'object') continue;
          const sp = (s.object.spec?.ports ?? []).find((p: RenderedObject) => p?.port === port);
          if (!sp) continue;
          for (const t of targets.filter((t) => selects({ matchLabels: selector }, t.labels))) {
            const target = sp.targetPort ?? port;
            const resolved = typeof target === 'number' ? target : t.ports.find((p) => p.name === target)?.port;
            if (resolved === undefined) continue;
            if (resolved !== port)
              notes.push(
                `${port} is Service ${s.object.metadata?.name}'s port; its pods (${t.workload}) receive on ${resolved}, which NetworkPolicies must name`,
              );
            else receivers.push({ pods: t, port });
          }
        }
      }
      if (receivers.length === 0) {
        problem(
          notes.length > 0
            ? `port ${notes[0]}`
            : `no container of the pods it lands on (${targets.map((t) => t.workload).join(', ')}) exposes port ${port}, and no Service of theirs has port ${port}`,
        );
        continue;
      }
      // both sides of the NetworkPolicies, for every sender and receiver pair: report the first pair denied
      let denied: string | undefined;
      for (const s of senders) {
        for (const r of receivers) {
          const egress = policyDenies(
            policies,
            'Egress',
            from.namespace,
            s.labels,
            to.namespace,
            r.pods.labels,
            namespaceLabels,
            r.port,
            r.pods.ports,
          );
          const ingress = policyDenies(
            policies,
            'Ingress',
            to.namespace,
            r.pods.labels,
            from.namespace,
            s.labels,
            namespaceLabels,
            r.port,
            r.pods.ports,
          );
          if (egress) denied ??= `egress from ${s.workload} in ${from.namespace} to ${r.pods.workload} on ${r.port} is denied: ${egress}`;
          if (ingress) denied ??= `ingress to ${r.pods.workload} in ${to.namespace} from ${s.workload} on ${r.port} is denied: ${ingress}`;
        }
      }
      if (denied) problem(`is not open on both sides: ${denied}`);
    }
  }
  const summary: FlowSummary = {
    checked,
    skipped: [...skipped].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([reason, count]) => ({ reason, count })),
  };
  return { problems, summary };
}

function selectorOf(pods: FlowPods): RenderedObject {
  return { ...(pods.labels ? { matchLabels: pods.labels } : {}), ...(pods.expressions ? { matchExpressions: pods.expressions } : {}) };
}

function describeSelector(pods: FlowPods): string {
  const parts = [
    ...Object.entries(pods.labels ?? {}).map(([k, v]) => `${k}=${v}`),
    ...(pods.expressions ?? []).map((e) => `${e.key} ${e.operator}${e.values ? ` (${e.values.join(', ')})` : ''}`),
  ];
  return parts.length > 0 ? parts.join(',') : '(every pod)';
}

/** Labels a pod the selector names would carry: its labels, the first value of each `In`, any value for `Exists`. */
function declaredLabels(pods: FlowPods): Labels {
  const labels: Record<string, string> = { ...pods.labels };
  for (const e of pods.expressions ?? []) {
    if (e.operator === 'In' && e.values?.[0] !== undefined) labels[e.key] = e.values[0];
    if (e.operator === 'Exists') labels[e.key] = 'present';
  }
  return labels;
}

/**
 * Why the NetworkPolicies of a pod's namespace deny one direction of a connection between two pods,
 * or undefined when they allow it (API server semantics: a pod no policy of that type selects is
 * not isolated; otherwise some rule must allow the peer and the port). `port` is the receiving
 * pod's port; `receiverPorts` resolve named ports.
 */
function policyDenies(
  policies: readonly { namespace: string; object: RenderedObject }[],
  type: 'Ingress' | 'Egress',
  namespace: string,
  labels: Labels,
  peerNamespace: string,
  peerLabels: Labels,
  namespaceLabels: (ns: string) => Labels,
  port: number,
  receiverPorts: readonly { port: number; name?: string }[],
): string | undefined {
  const selecting = policies
    .filter((p) => p.namespace === namespace && p.object.kind === 'NetworkPolicy')
    .map((p) => p.object)
    .filter((p) => {
      const types: string[] | undefined = p.spec?.policyTypes;
      const has = types ? types.includes(type) : type === 'Ingress' || Array.isArray(p.spec?.egress);
      return has && selects(p.spec?.podSelector, labels);
    });
  if (selecting.length === 0) return undefined;
  const rulesKey = type === 'Ingress' ? 'ingress' : 'egress';
  const peersKey = type === 'Ingress' ? 'from' : 'to';
  const portOk = (p: RenderedObject): boolean => {
    if ((p.protocol ?? 'TCP') !== 'TCP') return false;
    if (p.port === undefined) return true;
    if (typeof p.port === 'string') return receiverPorts.some((r) => r.name === p.port && r.port === port);
    return p.port === port || (typeof p.endPort === 'number' && p.port <= port && port <= p.endPort);
  };
  const peerOk = (peer: RenderedObject): boolean => {
    if (peer.ipBlock) return false;
    const inNamespace = peer.namespaceSelector ? selects(peer.namespaceSelector, namespaceLabels(peerNamespace)) : peerNamespace === namespace;
    return inNamespace && selects(peer.podSelector, peerLabels);
  };
  const allowed = selecting.some((p) =>
    (p.spec?.[rulesKey] ?? []).some((rule: RenderedObject) => {
      const ports: RenderedObject[] | undefined = rule.ports;
      const peers: RenderedObject[] | undefined = rule[peersKey];
      return (!ports || ports.length === 0 || ports.some(portOk)) && (!peers || peers.length === 0 || peers.some(peerOk));
    }),
  );
  return allowed ? undefined : `no ${rulesKey} rule of ${selecting.map((p) => p.metadata?.name).join(', ')} lets it through`;
}
