import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { findTool } from '@ck8s/core';
import { AdmissionPolicies, BoundPolicies, evaluateManifests, platformRules, POD_SECURITY_RULES } from '@ck8s/policy';
import { App } from 'cdk8s';
import {
  type AdmissionCheck,
  type ClusterToRender,
  type DeclaredFlow,
  importKubernetesSchemas,
  type PodSecurityCheck,
  type ReleaseToRender,
  type RenderedObject,
  type RenderReport,
  verifyRenders,
} from '@ck8s/validate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The fixture charts are this project's own (test/fixtures/charts), each reproducing one way a real
// chart failed to install; they are packaged into a chart-mirror folder, as air-gapped users keep one.
const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '..', '..', '..');
const schemaMirror = process.env.CK8S_SCHEMA_MIRROR ?? path.resolve(repoRoot, '..', 'shared', 'schemas');
const NAMESPACE = 'fx';
const API_SERVER = { cidrs: ['10.0.0.1/32'], port: 6443 };

let work: string;
let mirror: string;
let schemaLocations: string[];
const helm = findTool('helm', repoRoot);
const kubeconform = findTool('kubeconform', repoRoot);

const podSecurity: PodSecurityCheck = (object, namespace, level) =>
  evaluateManifests(POD_SECURITY_RULES, [{ file: 'rendered', object }], { level, namespace }).flatMap((r) =>
    r.violations.map((v) => `${v.policy}: ${v.message}`),
  );

/** What the platform would have generated for the namespace: restricted, default deny, API egress for two labelled pod sets. */
function generated(extra: RenderedObject[] = []): RenderedObject[] {
  return [
    {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        name: NAMESPACE,
        labels: { 'pod-security.kubernetes.io/enforce': 'restricted', 'pod-security.kubernetes.io/enforce-version': 'v1.33' },
      },
    },
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'default-deny', namespace: NAMESPACE },
      spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
    },
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'allow-api-server', namespace: NAMESPACE },
      spec: {
        podSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['fx-pass', 'fx-pass-setup'] }] },
        policyTypes: ['Egress'],
        egress: [{ to: [{ ipBlock: { cidr: '10.0.0.1/32' } }], ports: [{ protocol: 'TCP', port: 6443 }] }],
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'fx-pass-credentials', namespace: NAMESPACE },
      data: { token: 'RU5DW0FFUzI1Nl9HQ00sZGF0YTp4XQ==' },
    },
    ...extra,
  ];
}

function release(
  chart: string,
  props: Partial<Omit<ReleaseToRender, 'chart' | 'helmRelease'>> & { postRenderers?: unknown[] } = {},
): ReleaseToRender {
  const { postRenderers, ...rest } = props;
  return {
    component: chart,
    helmRelease: {
      apiVersion: 'helm.toolkit.fluxcd.io/v2',
      kind: 'HelmRelease',
      metadata: { name: chart, namespace: NAMESPACE },
      spec: { releaseName: chart, ...(postRenderers ? { postRenderers } : {}) },
    },
    chart: { repository: 'https://charts.example.com', chart, version: '1.0.0' },
    registries: ['registry.example.com'],
    values: {},
    ...rest,
  };
}

/**
 * The admission the cluster would apply: the generated policies, with the fixture's namespace bound
 * as a platform namespace (holdPlatform), evaluated as the API server matches their bindings.
 */
function generatedAdmission(extra: RenderedObject[]): AdmissionCheck {
  const policies = new AdmissionPolicies(new App(), 'admission-policies', {
    rules: [...POD_SECURITY_RULES, ...platformRules({ allowedRegistries: ['registry.example.com'] })],
  });
  policies.holdPlatform({ namespaces: [NAMESPACE], registries: new Map([[NAMESPACE, ['registry.example.com']]]) });
  const bound = new BoundPolicies([...policies.toJson(), ...generated(extra)]);
  return (object, namespace) =>
    bound.evaluate(object, namespace).map((v) => ({ rule: v.policy.replace(/^ck8s-/, ''), message: `${v.policy}: ${v.message}` }));
}

function verify(
  releases: ReleaseToRender[],
  extra: RenderedObject[] = [],
  withAdmission = false,
  flows?: DeclaredFlow[],
  more: Pick<ClusterToRender, 'operatorPods' | 'tenantNamespaces'> = {},
): Promise<RenderReport> {
  return verifyRenders({
    clusters: [
      {
        name: 'fixture',
        kubernetesVersion: '1.33.0',
        schemaLocations,
        generated: generated(extra),
        apiServer: API_SERVER,
        releases,
        ...(flows ? { flows } : {}),
        ...more,
        ...(withAdmission ? { admission: generatedAdmission(extra) } : {}),
      },
    ],
    helm,
    kubeconform,
    mirror,
    cacheDir: path.join(work, 'cache'),
    podSecurity,
  });
}

const brief = (report: RenderReport) => report.problems.map((p) => `${p.component}: ${p.check}: ${p.object}: ${p.message}`);

beforeAll(() => {
  work = mkdtempSync(path.join(os.tmpdir(), 'ck8s-render-'));
  mirror = path.join(work, 'mirror');
  for (const chart of ['fx-pass', 'fx-hook', 'fx-init', 'fx-detect', 'fx-refs', 'fx-flow'])
    execFileSync(helm, ['package', path.join(here, 'fixtures', 'charts', chart), '--destination', mirror]);
  const imported = importKubernetesSchemas({
    definitionsFile: path.join(schemaMirror, 'kubernetes', 'v1.33.0', '_definitions.json'),
    outDir: path.join(work, 'schemas'),
    kubernetesVersion: '1.33.0',
    variants: ['standalone-strict'],
  });
  schemaLocations = [
    path.join(imported.directories[0]!, '{{ .ResourceKind }}{{ .KindSuffix }}.json'),
    `${schemaMirror}/crds/{{.Group}}/{{.ResourceKind}}_{{.ResourceAPIVersion}}.json`,
  ];
});

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

const PASS_EXPECTS = { workloads: ['Deployment/fx-pass', 'Job/fx-pass-setup'] };

describe('verifyRenders with the real helm on fixture charts', () => {
  it('passes a chart that keeps every rule, null optional fields (annotations, subPath) included', async () => {
    const report = await verify([release('fx-pass', { expects: PASS_EXPECTS })]);
    expect(brief(report)).toEqual([]);
    expect(report.releases).toEqual([
      expect.objectContaining({
        cluster: 'fixture',
        component: 'fx-pass',
        release: 'fx-pass',
        chart: 'fx-pass-1.0.0',
        from: `mirror ${mirror}`,
        objects: 5,
      }),
    ]);
  });

  it('catches a hook Job whose unlabelled pods are cut off from the API server', async () => {
    const report = await verify([release('fx-hook', { expects: { workloads: ['Job/fx-hook-upgrade'] } })]);
    expect(brief(report)).toEqual([
      'fx-hook: api-server: Job/fx-hook-upgrade: calls the API server (hook pre-install,pre-upgrade; ServiceAccount fx-hook-upgrade bound by RoleBinding/fx-hook-upgrade -> Role/fx-hook-upgrade) but has no egress to 10.0.0.1/32:6443; the pod (labels {}) is isolated by default-deny',
    ]);
    // the fix: a policy that opens the API to the hook's pods
    const opened = await verify(
      [release('fx-hook', { expects: { workloads: ['Job/fx-hook-upgrade'] } })],
      [
        {
          apiVersion: 'networking.k8s.io/v1',
          kind: 'NetworkPolicy',
          metadata: { name: 'allow-hooks-to-api-server', namespace: NAMESPACE },
          spec: { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/24' } }], ports: [{ port: 6443 }] }] },
        },
      ],
    );
    expect(brief(opened)).toEqual([]);
  });

  it('catches an init container without a securityContext in a restricted namespace, and passes it once a post-render patch gives it one', async () => {
    const expects = { workloads: ['StatefulSet/fx-init-store'] };
    const report = await verify([release('fx-init', { expects })]);
    expect(brief(report)).toEqual([
      'fx-init: pod-security: StatefulSet/fx-init-store: restricted (namespace fx): ck8s-pss-allow-privilege-escalation: containers must set securityContext.allowPrivilegeEscalation=false (pod security restricted): configfile',
      'fx-init: pod-security: StatefulSet/fx-init-store: restricted (namespace fx): ck8s-pss-capabilities-restricted: containers must drop ALL capabilities and may add only NET_BIND_SERVICE (pod security restricted): configfile does not drop ALL',
    ]);
    const securityContext = {
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      runAsNonRoot: true,
      runAsUser: 1000,
      seccompProfile: { type: 'RuntimeDefault' },
    };
    const patch = `apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: fx-init-store\nspec:\n  template:\n    spec:\n      initContainers:\n        - name: configfile\n          securityContext: ${JSON.stringify(securityContext)}\n`;
    const patched = await verify([
      release('fx-init', {
        expects,
        postRenderers: [{ kustomize: { patches: [{ target: { kind: 'StatefulSet', name: 'fx-init-store' }, patch }] } }],
      }),
    ]);
    expect(brief(patched)).toEqual([]);
  });

  it('catches a sub-chart enabled by an unresolvable condition: its Deployment and ClusterRole were never declared', async () => {
    const expects = { workloads: ['DaemonSet/fx-detect'] };
    const report = await verify([release('fx-detect', { expects })]);
    expect(brief(report)).toEqual([
      "fx-detect: unexpected: ClusterRole/fx-responder: the chart renders a ClusterRole (verbs delete, get) that component fx-detect does not declare; declare it in the HelmChart's expects if it belongs, or turn it off with a value",
      "fx-detect: unexpected: Deployment/fx-responder: the chart renders workload that component fx-detect does not declare; declare it in the HelmChart's expects if it belongs, or turn it off with a value",
    ]);
    expect(brief(await verify([release('fx-detect', { expects, values: { responder: { enabled: false } } })]))).toEqual([]);
  });

  it('catches an image from an undeclared registry and a Secret that nobody creates', async () => {
    const report = await verify([release('fx-refs', { expects: { workloads: ['Deployment/fx-refs'] } })]);
    expect(brief(report)).toEqual([
      'fx-refs: reference: Deployment/fx-refs: mounts (volume tls) Secret fx/fx-refs-tls, which neither the chart, the generated output nor a sops file creates',
      "fx-refs: registry: Deployment/fx-refs: image docker.io/library/busybox:1.37 (container app) comes from docker.io, which is not among the chart's registries in charts/catalog.yaml (registry.example.com)",
    ]);
  });

  it("holds the chart's workloads to the platform's admission rules, and lists each declared exception with its reason", async () => {
    const report = await verify([release('fx-pass', { expects: PASS_EXPECTS })], [], true);
    expect(brief(report)).toEqual([
      'fx-pass: admission: Deployment/fx-pass: ck8s-resource-requirements: every container needs cpu and memory requests and a memory limit (rule resource-requirements): app; fix it with a value, or declare an admission exception with its reason',
      'fx-pass: admission: Job/fx-pass-setup: ck8s-resource-requirements: every container needs cpu and memory requests and a memory limit (rule resource-requirements): setup; fix it with a value, or declare an admission exception with its reason',
    ]);
    const reason = 'fixture: no requests yet';
    const exceptions = [...PASS_EXPECTS.workloads, 'Deployment/fx-pass-unneeded'].map((workload) => ({
      workload,
      rule: 'resource-requirements' as const,
      reason,
    }));
    const excepted = await verify(
      [release('fx-pass', { expects: { workloads: [...PASS_EXPECTS.workloads], admissionExceptions: exceptions } })],
      [],
      true,
    );
    expect(brief(excepted)).toEqual([
      'fx-pass: missing: Deployment/fx-pass-unneeded: the admission exception for rule resource-requirements is not needed: the rendered Deployment/fx-pass-unneeded does not break it; remove the exception',
    ]);
    expect(excepted.exceptions).toEqual([
      { cluster: 'fixture', component: 'fx-pass', workload: 'Deployment/fx-pass', rule: 'resource-requirements', reason },
      { cluster: 'fixture', component: 'fx-pass', workload: 'Job/fx-pass-setup', rule: 'resource-requirements', reason },
    ]);
  });

  it('reports a declared workload the chart no longer renders, and a chart missing from the mirror', async () => {
    const report = await verify([
      release('fx-pass', { expects: { workloads: [...PASS_EXPECTS.workloads, 'Deployment/fx-pass-old'] } }),
      { ...release('fx-gone'), component: 'gone' },
    ]);
    expect(brief(report)).toEqual([
      "fx-pass: missing: Deployment/fx-pass-old: component fx-pass declares Deployment/fx-pass-old, but the chart does not render it; remove it from the HelmChart's expects",
      `gone: render: HelmRelease/fx-gone: chart fx-gone 1.0.0 is not in the chart mirror ${mirror}: expected fx-gone-1.0.0.tgz`,
    ]);
  });

  describe('declared flows', () => {
    const FLOW_EXPECTS = { workloads: ['Deployment/fx-flow-server', 'Deployment/fx-flow-client'] };
    const client = { name: 'client', namespace: NAMESPACE, labels: { app: 'fx-flow-client' } };
    const server = { name: 'server', namespace: NAMESPACE, labels: { app: 'fx-flow-server' } };
    const flow = (to: Omit<typeof server, 'labels'> & { labels?: Record<string, string> }, port: number): DeclaredFlow => ({
      component: 'fx-flow',
      from: { pods: client },
      to: { pods: to },
      ports: [{ port }],
    });
    // one side of a flow, as the platform derives it: the pods it opens, the peer pods, the port
    const side = (
      name: string,
      type: 'Ingress' | 'Egress',
      pods: Record<string, string>,
      peer: Record<string, string>,
      port: number,
    ): RenderedObject => ({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name, namespace: NAMESPACE },
      spec: {
        podSelector: { matchLabels: pods },
        policyTypes: [type],
        [type === 'Ingress' ? 'ingress' : 'egress']: [
          {
            [type === 'Ingress' ? 'from' : 'to']: [
              { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': NAMESPACE } }, podSelector: { matchLabels: peer } },
            ],
            ports: [{ protocol: 'TCP', port }],
          },
        ],
      },
    });
    // both sides of the flow client -> server
    const opened = (port = 8080): RenderedObject[] => [
      side('allow-client-to-server', 'Egress', client.labels, server.labels, port),
      side('allow-server-from-client', 'Ingress', server.labels, client.labels, port),
    ];

    it('passes a flow that lands on a rendered pod and container port, open on both sides, and counts the flows it skips', async () => {
      const report = await verify([release('fx-flow', { expects: FLOW_EXPECTS })], opened(), false, [
        flow(server, 8080),
        { component: 'fx-flow', from: { pods: server }, to: { outside: "peer api-server, outside the cluster's pods" }, ports: [] },
      ]);
      expect(brief(report)).toEqual([]);
      expect(report.flows).toEqual({ checked: 1, skipped: [{ reason: "peer api-server, outside the cluster's pods", count: 1 }] });
    });

    it("checks flows to the pods an operator makes from a generated custom resource, and skips a tenant's whole namespace", async () => {
      const store = { name: 'store', namespace: NAMESPACE, labels: { app: 'fx-flow-store' } };
      const resource = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'store', namespace: NAMESPACE } };
      const storeSides = [
        side('allow-client-to-store', 'Egress', client.labels, store.labels, 5432),
        side('allow-store-from-client', 'Ingress', store.labels, client.labels, 5432),
      ];
      const operatorPods = [{ resource: 'ConfigMap/store', namespace: NAMESPACE, labels: store.labels, ports: [5432] }];
      const flows = [
        flow(store, 5432),
        { component: 'fx-flow', from: { pods: client }, to: { pods: { name: NAMESPACE, namespace: NAMESPACE } }, ports: [{ port: 7777 }] },
      ];
      const report = await verify([release('fx-flow', { expects: FLOW_EXPECTS })], [...storeSides, resource], false, flows, {
        operatorPods,
        tenantNamespaces: [NAMESPACE],
      });
      expect(brief(report)).toEqual([]);
      expect(report.flows).toEqual({
        checked: 1,
        skipped: [{ reason: `into the whole of tenant namespace ${NAMESPACE}, whose applications nothing renders`, count: 1 }],
      });
      // without the resource the operator makes nothing, and the flow lands on no pod
      const without = await verify([release('fx-flow', { expects: FLOW_EXPECTS })], storeSides, false, [flow(store, 5432)], { operatorPods });
      expect(brief(without)).toEqual([
        'fx-flow: flow: flow client -> store:5432: lands on no rendered pod: selector app=fx-flow-store matches nothing in fx',
      ]);
    });

    it('catches a flow whose selector matches no rendered pod', async () => {
      const report = await verify([release('fx-flow', { expects: FLOW_EXPECTS })], opened(), false, [
        flow({ name: 'store', namespace: NAMESPACE, labels: { app: 'fx-flow-store' } }, 8080),
      ]);
      expect(brief(report)).toEqual([
        'fx-flow: flow: flow client -> store:8080: lands on no rendered pod: selector app=fx-flow-store matches nothing in fx',
      ]);
    });

    it('catches a flow on a port no container exposes, and a Service port whose pods receive on another', async () => {
      const report = await verify([release('fx-flow', { expects: FLOW_EXPECTS })], opened(9999), false, [flow(server, 9999)]);
      expect(brief(report)).toEqual([
        'fx-flow: flow: flow client -> server:9999: no container of the pods it lands on (Deployment/fx-flow-server) exposes port 9999, and no Service of theirs has port 9999',
      ]);
      const servicePort = await verify([release('fx-flow', { expects: FLOW_EXPECTS })], opened(80), false, [flow(server, 80)]);
      expect(brief(servicePort)).toEqual([
        "fx-flow: flow: flow client -> server:80: port 80 is Service fx-flow-server's port; its pods (Deployment/fx-flow-server) receive on 8080, which NetworkPolicies must name",
      ]);
    });

    it("skips, in a tenant's namespace where a chart runs, the flows to pods no chart renders, and still checks those to its pods", async () => {
      const tenant: RenderedObject = {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: NAMESPACE, labels: { 'pod-security.kubernetes.io/enforce': 'restricted', 'platform.ck8s.io/tenant': NAMESPACE } },
      };
      const whole = { name: NAMESPACE, namespace: NAMESPACE };
      const flows: DeclaredFlow[] = [
        // an operator-made instance, and the tenant's own workloads on a port the chart's pods do not serve
        flow({ name: 'store', namespace: NAMESPACE, labels: { app: 'fx-flow-store' } }, 8080),
        flow(whole, 9090),
        flow(server, 8080),
      ];
      const report = await verify([release('fx-flow', { expects: FLOW_EXPECTS })], [...opened(), tenant], false, flows);
      expect(brief(report)).toEqual([]);
      const reason = "into tenant namespace fx, to pods no chart renders (the tenant's own, or made by an operator)";
      expect(report.flows).toEqual({ checked: 1, skipped: [{ reason, count: 2 }] });
      // the flows to the chart's pods are checked as anywhere
      const closed = await verify([release('fx-flow', { expects: FLOW_EXPECTS })], [...opened().slice(0, 1), tenant], false, flows);
      expect(brief(closed)).toEqual([
        'fx-flow: flow: flow client -> server:8080: is not open on both sides: ingress to Deployment/fx-flow-server in fx from Deployment/fx-flow-client on 8080 is denied: no ingress rule of default-deny lets it through',
      ]);
    });

    it('catches a flow the NetworkPolicies leave closed on one side', async () => {
      const report = await verify([release('fx-flow', { expects: FLOW_EXPECTS })], opened().slice(0, 1), false, [flow(server, 8080)]);
      expect(brief(report)).toEqual([
        'fx-flow: flow: flow client -> server:8080: is not open on both sides: ingress to Deployment/fx-flow-server in fx from Deployment/fx-flow-client on 8080 is denied: no ingress rule of default-deny lets it through',
      ]);
    });
  });
});
