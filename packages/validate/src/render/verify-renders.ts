import type { ChartExpectations } from '@ck8s/core';
import { toYamlStream } from '@ck8s/core/base';
import { validateManifests } from '../kubeconform.js';
import { type ChartRef, chartObtainer, type ObtainedChart } from './chart-source.js';
import { chartCrds, chartDefaultValues, chartTemplates, crdApiVersions, helmTemplate, type RenderedObject } from './helm-template.js';
import { unknownValueKeys } from './unknown-value-keys.js';
import { type CheckDeclaredFlowsProps, checkDeclaredFlows, type DeclaredFlow, type FlowSummary } from './flow-checks.js';
import type { ExternalDestination } from './network-reach.js';
import { applyPostRenderPatches, type KustomizePatch } from './post-render.js';
import {
  type AdmissionCheck,
  checkRenderedCluster,
  type PodSecurityCheck,
  type RenderedRelease,
  type RenderException,
  type RenderProblem,
} from './render-checks.js';

/** A HelmRelease to render, with what its component and the catalog declare. */
export interface ReleaseToRender {
  readonly component: string;
  /** The generated HelmRelease (its name, namespace, releaseName and postRenderers are used). */
  readonly helmRelease: RenderedObject;
  readonly chart: ChartRef;
  /** Registries declared for the chart in charts/catalog.yaml. @default none declared: every image is a problem */
  readonly registries?: readonly string[];
  readonly expects?: ChartExpectations;
  /** The values helm-controller would pass: spec.values with valuesFrom merged in. */
  readonly values: Record<string, unknown>;
}

export interface ClusterToRender {
  readonly name: string;
  /** Full version, e.g. `1.33.0`. */
  readonly kubernetesVersion: string;
  /** kubeconform schema locations for that version. */
  readonly schemaLocations: readonly string[];
  /** The cluster's committed output, parsed. */
  readonly generated: readonly RenderedObject[];
  /** The cluster's own admission rules beyond Pod Security, ahead of VerifyRendersProps.admission. @default VerifyRendersProps.admission */
  readonly admission?: AdmissionCheck;
  /** APIs the cluster serves that no chart or generated CRD provides (Flux's, from bootstrap). @default none */
  readonly extraApiVersions?: readonly string[];
  /** Objects an operator creates at bootstrap, never in git (`Secret/argocd/sops-age`: the age key). @default none */
  readonly bootstrapObjects?: readonly string[];
  readonly apiServer: ExternalDestination;
  readonly releases: readonly ReleaseToRender[];
  /** The flows the cluster's components declare, checked against the rendered pods. @default none */
  readonly flows?: readonly DeclaredFlow[];
  /** Pods operators make from the cluster's generated custom resources (see CheckDeclaredFlowsProps). @default none */
  readonly operatorPods?: CheckDeclaredFlowsProps['operatorPods'];
  /** The cluster's tenant namespaces. @default none */
  readonly tenantNamespaces?: readonly string[];
}

export interface VerifyRendersProps {
  readonly clusters: readonly ClusterToRender[];
  readonly helm: string;
  readonly kubeconform: string;
  /** Chart mirror folder or repository URL. @default each chart's own repository */
  readonly mirror?: string;
  readonly cacheDir: string;
  readonly podSecurity: PodSecurityCheck;
  /** The platform's admission rules beyond Pod Security. @default none checked */
  readonly admission?: AdmissionCheck;
}

export interface RenderedReleaseSummary {
  readonly cluster: string;
  readonly component: string;
  readonly release: string;
  readonly namespace: string;
  /** `<chart>-<version>`. */
  readonly chart: string;
  /** Where the archive came from and its sha256. */
  readonly from: string;
  readonly digest: string;
  /** Objects rendered (hooks and CRDs included, tests left out); 0 when it did not render. */
  readonly objects: number;
}

export interface RenderReport {
  readonly releases: readonly RenderedReleaseSummary[];
  readonly problems: readonly RenderProblem[];
  /** Admission exceptions the components declared and the rendered objects needed, with their reasons. */
  readonly exceptions: readonly RenderException[];
  /** Declared flows checked against the rendered pods, and those skipped with why, over all clusters. */
  readonly flows: FlowSummary;
}

/**
 * The render verification: obtains every HelmRelease's chart at its pinned version, renders it with
 * the real helm as the cluster would install it (its Kubernetes version, the APIs its CRDs provide,
 * the release's values and post-render patches), and checks the objects: kubeconform -strict and
 * the platform's rules (see checkRenderedCluster). Problems name the component, the object and why.
 */
export async function verifyRenders(props: VerifyRendersProps): Promise<RenderReport> {
  const releases: RenderedReleaseSummary[] = [];
  const problems: RenderProblem[] = [];
  const exceptions: RenderException[] = [];
  let flowsChecked = 0;
  const flowsSkipped = new Map<string, number>();
  const obtain = chartObtainer({ helm: props.helm, cacheDir: props.cacheDir, ...(props.mirror ? { mirror: props.mirror } : {}) });

  for (const cluster of props.clusters) {
    const obtained = new Map<ReleaseToRender, ObtainedChart | Error>();
    for (const r of cluster.releases) obtained.set(r, await obtain(r.chart).catch((e: Error) => e));
    // the APIs the cluster serves once its CRDs are installed: charts test them (e.g. monitoring.coreos.com/v1)
    const crds: RenderedObject[] = [...cluster.generated];
    for (const chart of new Set([...obtained.values()].filter((c): c is ObtainedChart => !(c instanceof Error)).map((c) => c.file)))
      crds.push(...(await chartCrds(props.helm, chart)));
    const apiVersions = [...new Set([...crdApiVersions(crds), ...(cluster.extraApiVersions ?? [])])].sort();

    const rendered: RenderedRelease[] = [];
    const files: { displayPath: string; content: string }[] = [];
    const byFile = new Map<string, RenderedRelease>();
    for (const r of cluster.releases) {
      const name: string = r.helmRelease.metadata?.name;
      const namespace: string = r.helmRelease.metadata?.namespace;
      const chartName = `${r.chart.chart}-${r.chart.version}`;
      const chart = obtained.get(r)!;
      const summarize = (from: string, digest: string, objects: number): void =>
        void releases.push({ cluster: cluster.name, component: r.component, release: name, namespace, chart: chartName, from, digest, objects });
      const fail = (message: string): void =>
        void problems.push({
          cluster: cluster.name,
          component: r.component,
          release: name,
          chart: chartName,
          check: 'render',
          object: `HelmRelease/${name}`,
          message,
        });
      if (chart instanceof Error) {
        fail(chart.message);
        summarize('unavailable', '', 0);
        continue;
      }
      // as helm-controller installs it; its values are then checked against the chart's values.yaml instead
      const skipSchemaValidation = r.helmRelease.spec?.install?.disableSchemaValidation === true;
      let objects: RenderedObject[];
      try {
        if (skipSchemaValidation) {
          for (const key of unknownValueKeys(r.values, await chartDefaultValues(props.helm, chart.file), await chartTemplates(chart.file)))
            fail(
              `value ${key} is not a key of the chart's values.yaml nor read by its templates (the release skips the chart's values.schema.json, so nothing else checks it)`,
            );
        }
        objects = await helmTemplate({
          helm: props.helm,
          chart: chart.file,
          releaseName: r.helmRelease.spec?.releaseName ?? name,
          namespace,
          values: r.values,
          kubernetesVersion: cluster.kubernetesVersion,
          apiVersions,
          skipSchemaValidation,
        });
        const patches: KustomizePatch[] = (r.helmRelease.spec?.postRenderers ?? []).flatMap((p: RenderedObject) => p.kustomize?.patches ?? []);
        objects = applyPostRenderPatches(objects, patches);
      } catch (e) {
        fail(`does not render: ${(e as Error).message}`);
        summarize(chart.from, chart.digest, 0);
        continue;
      }
      const release: RenderedRelease = {
        component: r.component,
        release: name,
        namespace,
        chart: chartName,
        objects,
        registries: r.registries,
        expects: r.expects,
      };
      rendered.push(release);
      summarize(chart.from, chart.digest, objects.length);
      const displayPath = `rendered/${cluster.name}/${namespace}/${name}.yaml`;
      // helm omits the release namespace on most objects; kubeconform checks them as they are
      // the platform's own writer quotes what kubeconform's YAML 1.1 reader would take for another type (`no`, `on`)
      files.push({ displayPath, content: toYamlStream(objects) });
      byFile.set(displayPath, release);
    }

    if (files.length > 0) {
      const result = await validateManifests({
        files,
        kubernetesVersion: cluster.kubernetesVersion,
        schemaLocations: cluster.schemaLocations,
        kubeconform: props.kubeconform,
      });
      for (const p of result.problems) {
        const release = byFile.get(p.file);
        problems.push({
          cluster: cluster.name,
          component: release?.component ?? '?',
          release: release?.release ?? p.file,
          chart: release?.chart ?? '?',
          check: 'schema',
          object: p.kind ? `${p.kind}/${p.name}` : p.file,
          message: p.message,
        });
      }
    }
    problems.push(
      ...checkRenderedCluster({
        cluster: cluster.name,
        releases: rendered,
        generated: cluster.generated,
        ...(cluster.bootstrapObjects ? { bootstrapObjects: cluster.bootstrapObjects } : {}),
        apiServer: cluster.apiServer,
        podSecurity: props.podSecurity,
        exceptions,
        ...(cluster.admission || props.admission ? { admission: (cluster.admission ?? props.admission)! } : {}),
      }),
    );
    const flows = checkDeclaredFlows({
      cluster: cluster.name,
      flows: cluster.flows ?? [],
      releases: rendered,
      generated: cluster.generated,
      ...(cluster.operatorPods ? { operatorPods: cluster.operatorPods } : {}),
      ...(cluster.tenantNamespaces ? { tenantNamespaces: cluster.tenantNamespaces } : {}),
    });
    problems.push(...flows.problems);
    flowsChecked += flows.summary.checked;
    for (const s of flows.summary.skipped) flowsSkipped.set(s.reason, (flowsSkipped.get(s.reason) ?? 0) + s.count);
  }
  const skipped = [...flowsSkipped].sort(([a], [b]) => compare(a, b)).map(([reason, count]) => ({ reason, count }));
  return { releases, problems: problems.sort(compareProblems), exceptions, flows: { checked: flowsChecked, skipped } };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareProblems(a: RenderProblem, b: RenderProblem): number {
  return (
    compare(a.cluster, b.cluster) ||
    compare(a.component, b.component) ||
    compare(a.release, b.release) ||
    compare(a.object, b.object) ||
    compare(a.check, b.check) ||
    compare(a.message, b.message)
  );
}
