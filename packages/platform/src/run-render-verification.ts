import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import {
  ARGOCD_NAMESPACE,
  CLUSTER_INPUTS,
  type Component,
  componentsOf,
  findTool,
  FLUX_API,
  HelmChart,
  parseManifests,
  readTree,
  SOPS_AGE_SECRET,
} from '@ck8s/core';
import { type Flow, isExternalPeer, isRolePeer, type Pods } from '@ck8s/core/base';
import { BoundPolicies, evaluateManifests, POD_SECURITY_RULES } from '@ck8s/policy';
import { Sops } from '@ck8s/secrets';
import {
  type AdmissionCheck,
  type ClusterToRender,
  type DeclaredFlow,
  type FlowEnd,
  type PodSecurityCheck,
  type ReleaseToRender,
  type RenderReport,
  resolveSchemaLocations,
  setValuePath,
  verifyRenders,
} from '@ck8s/validate';
import { App } from 'cdk8s';
import { parse } from 'yaml';
import { composeCluster } from './compose-cluster.js';
import type { FleetContext } from './fleet-context.js';

export interface RenderVerificationOptions {
  /** Chart mirror folder or Helm repository URL. @default ck8s.config.yaml `charts.mirror`, else each chart's repository */
  readonly mirror?: string;
  /** age key file that may decrypt the clusters' sops Secrets (valuesFrom). @default SOPS_AGE_KEY_FILE */
  readonly ageKeyFile?: string;
}

export interface RenderVerificationReport extends RenderReport {
  readonly clusters: readonly string[];
  /** Where charts came from: the mirror or the repositories. */
  readonly chartSource: string;
  /** valuesFrom entries: decrypted, or a placeholder given to helm instead (no key). */
  readonly secretValues: readonly {
    readonly cluster: string;
    readonly release: string;
    readonly secret: string;
    readonly key: string;
    readonly resolved: 'decrypted' | 'placeholder';
  }[];
}

// APIs every cluster serves from Flux's bootstrap, which no chart renders
const FLUX_APIS = [...new Set(Object.values(FLUX_API))];

/**
 * Renders every HelmRelease of the selected clusters with the real helm at its pinned chart
 * version and checks the result (see verifyRenders): what each component declared it expects,
 * the registries of charts/catalog.yaml, the cluster's namespaces, NetworkPolicies and Secrets.
 */
export async function runRenderVerification(
  context: FleetContext,
  clusters: readonly string[],
  options: RenderVerificationOptions = {},
): Promise<RenderVerificationReport> {
  const { workspace } = context;
  const configured = options.mirror ?? workspace.settings.charts.mirror;
  const mirror = configured && !/^(https?|oci):\/\//.test(configured) ? path.resolve(workspace.root, configured) : configured;
  const ageKeyFile = options.ageKeyFile ?? process.env.SOPS_AGE_KEY_FILE;
  const ageKey = ageKeyFile && existsSync(ageKeyFile) ? readFileSync(ageKeyFile, 'utf8') : undefined;
  const sops = new Sops({ workspace });
  const secretValues: RenderVerificationReport['secretValues'][number][] = [];

  const toRender: ClusterToRender[] = [];
  for (const name of clusters) {
    const cluster = context.fleet.clusters.get(name)!;
    const dir = workspace.clusterDir(name);
    const generated = parseManifests(readTree(dir, { keep: CLUSTER_INPUTS }))
      .filter((o) => o.file.endsWith('.yaml') && !o.file.endsWith('kustomization.yaml') && o.body && typeof o.body === 'object')
      .map((o) => o.body as Record<string, any>);
    const locations = resolveSchemaLocations(workspace, cluster.kubernetesVersion);
    const app = new App();
    composeCluster(app, { cluster, fleet: context.fleet, catalog: context.catalog });

    const releases: ReleaseToRender[] = [];
    for (const component of componentsOf(app)) {
      for (const chart of component.node.findAll().filter((c): c is HelmChart => c instanceof HelmChart)) {
        // an Argo CD cluster's Application carries the same chart, release and values: rendered the same way
        const helmRelease = (chart.release?.toJson() ?? argoReleaseView(chart)) as Record<string, any>;
        const values = structuredClone(helmRelease.spec?.values ?? {}) as Record<string, unknown>;
        for (const from of helmRelease.spec?.valuesFrom ?? []) {
          const namespace: string = helmRelease.metadata.namespace;
          const key: string = from.valuesKey ?? 'values.yaml';
          let value: string | undefined;
          if (ageKey && from.kind === 'Secret') {
            const file = path.join(workspace.secretsDir, name, `${namespace}.${from.name}.sops.yaml`);
            value = existsSync(file) ? await decryptedKey(sops, file, key, ageKey) : undefined;
          }
          secretValues.push({
            cluster: name,
            release: helmRelease.metadata.name,
            secret: `${namespace}/${from.name}`,
            key,
            resolved: value === undefined ? 'placeholder' : 'decrypted',
          });
          const resolved = value ?? `placeholder-${from.name}-${key}`;
          if (from.targetPath) setValuePath(values, from.targetPath, resolved);
          else if (value !== undefined) Object.assign(values, parse(value) ?? {});
        }
        releases.push({
          component: component.componentName,
          helmRelease,
          chart: { repository: chart.entry.repository, chart: chart.entry.chart, version: chart.entry.version },
          ...(chart.entry.registries ? { registries: chart.entry.registries } : {}),
          ...(chart.expects ? { expects: chart.expects } : {}),
          values,
        });
      }
    }
    // the cluster's own generated admission policies and bindings, as the API server will apply them
    // to what Flux installs: the platform's namespaces are bound to its rules for workloads
    const bound = new BoundPolicies(generated);
    const admission: AdmissionCheck = (object, namespace) =>
      bound.evaluate(object, namespace).map((v) => ({ rule: v.policy.replace(/^ck8s-/, ''), message: `${v.policy}: ${v.message}` }));
    toRender.push({
      name,
      admission,
      kubernetesVersion: locations.kubernetesVersion,
      schemaLocations: locations.locations,
      generated,
      // Flux's APIs exist from bootstrap; Argo CD's come with its chart, and its age key is loaded by hand
      ...(cluster.gitops.engine === 'argocd'
        ? { bootstrapObjects: [`Secret/${ARGOCD_NAMESPACE}/${SOPS_AGE_SECRET}`] }
        : { extraApiVersions: FLUX_APIS }),
      apiServer: { cidrs: cluster.network.apiServer?.cidrs ?? [], port: cluster.network.apiServer?.port ?? 6443 },
      releases,
      flows: declaredFlows(componentsOf(app)),
      operatorPods: componentsOf(app).flatMap((c) => c.operatorPods),
      tenantNamespaces: cluster.tenants.map((t) => t.name),
    });
  }

  const podSecurity: PodSecurityCheck = (object, namespace, level) =>
    evaluateManifests(POD_SECURITY_RULES, [{ file: 'rendered', object }], { level, namespace }).flatMap((r) =>
      r.violations.map((v) => `${v.policy}: ${v.message}`),
    );
  const report = await verifyRenders({
    clusters: toRender,
    helm: findTool('helm', workspace.root),
    kubeconform: findTool('kubeconform', workspace.root),
    cacheDir: path.join(workspace.root, '.ck8s', 'charts'),
    podSecurity,
    ...(mirror ? { mirror } : {}),
  });
  return { clusters, chartSource: mirror ? `mirror ${configured}` : 'chart repositories', secretValues, ...report };
}

/** One key of a sops Secret, decrypted in memory; undefined when the key cannot decrypt it. */
async function decryptedKey(sops: Sops, file: string, key: string, ageKey: string): Promise<string | undefined> {
  try {
    const secret = parse(await sops.decrypt(readFileSync(file, 'utf8'), { ageKey, filename: file })) as {
      data?: Record<string, string>;
      stringData?: Record<string, string>;
    };
    if (secret.stringData?.[key] !== undefined) return secret.stringData[key];
    if (secret.data?.[key] !== undefined) return Buffer.from(secret.data[key], 'base64').toString('utf8');
    return undefined;
  } catch {
    return undefined;
  }
}
/** The flows the components declare, each role resolved to the pods that play it in this cluster. */
function declaredFlows(components: readonly Component[]): DeclaredFlow[] {
  const roles = new Map<string, Pods>();
  for (const c of components) for (const [role, pods] of c.roles) roles.set(role, pods);
  const end = (e: Flow['from']): FlowEnd => {
    if (isExternalPeer(e)) return { outside: `peer ${e.peer}, outside the cluster's pods` };
    if (isRolePeer(e)) {
      const pods = roles.get(e.role);
      return pods ? { pods } : { outside: `role ${e.role}, which no component plays here` };
    }
    return { pods: e };
  };
  return components.flatMap((c) => c.flows.map((f) => ({ component: c.componentName, from: end(f.from), to: end(f.to), ports: f.ports ?? [] })));
}

/** What the render verification reads of a HelmRelease, for a chart an Argo CD Application deploys. */
function argoReleaseView(chart: HelmChart): Record<string, unknown> {
  return {
    apiVersion: chart.application!.apiVersion,
    kind: chart.application!.kind,
    metadata: { name: chart.releaseName, namespace: chart.namespace },
    spec: { releaseName: chart.releaseName, ...(chart.values ? { values: chart.values } : {}) },
  };
}
