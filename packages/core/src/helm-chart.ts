import { Construct } from 'constructs';
import type { ChartCatalog, CatalogEntry } from './catalog.js';
import type { NamespacedObjectReference } from './flux/common.js';
import { type CrdPolicy, HelmRelease, type PostRenderPatch } from './flux/helm-release.js';
import { HelmRepository } from './flux/helm-repository.js';
import { OCIRepository } from './flux/oci-repository.js';

/** Media type of a Helm chart layer in an OCI artifact. */
const HELM_CHART_LAYER = 'application/vnd.cncf.helm.chart.content.v1.tar+gzip';

/**
 * What a component expects its chart to render; the render verification (`ck8s validate --render`)
 * reports anything else, so a chart bump cannot add a workload or cluster-wide rights unseen.
 */
export interface ChartExpectations {
  /** `Kind/name` of every workload the chart renders (Deployment, StatefulSet, DaemonSet, Job, CronJob, Pod), hook Jobs included. */
  readonly workloads: readonly string[];
  /** `Kind/name` of every cluster-scoped RBAC object and admission webhook it renders. @default none */
  readonly clusterObjects?: readonly string[];
  /** Workloads whose ServiceAccount is bound to a role but that never call the API server, each with why; they get no egress to it. @default none */
  readonly noApiAccess?: readonly { readonly workload: string; readonly reason: string }[];
  /**
   * Workloads excepted from one of the platform's admission rules (rule id, e.g. `resource-requirements`),
   * each with why; listed in `validate --render` output like tenants' exceptions. @default none
   */
  readonly admissionExceptions?: readonly { readonly workload: string; readonly rule: string; readonly reason: string }[];
}

export interface HelmChartProps<Values extends object = Record<string, unknown>> {
  /** The catalog that pins the chart. */
  readonly catalog: ChartCatalog;
  /** Catalog key of the chart. */
  readonly chart: string;
  /** Namespace of the release and of its source. */
  readonly namespace: string;
  /** Typed chart values. @default none (chart defaults) */
  readonly values?: Values;
  /** Helm release name. @default the catalog key */
  readonly releaseName?: string;
  /** How often Flux reconciles the release. @default '30m' */
  readonly interval?: string;
  /** What Helm does with the chart's CRDs on install and upgrade. @default 'CreateReplace' */
  readonly crds?: CrdPolicy;
  /** Releases that must be ready first. @default none */
  readonly dependsOn?: readonly NamespacedObjectReference[];
  /** Values merged from Secrets or ConfigMaps (for credentials kept in sops files). @default none */
  readonly valuesFrom?: readonly { readonly kind: 'Secret' | 'ConfigMap'; readonly name: string; readonly valuesKey?: string; readonly targetPath?: string }[];
  /**
   * Patches of the rendered chart, for a defect no value reaches (Flux `postRenderers`). Each one
   * is an exception to "values only": say in a comment why, and drop it when the chart is fixed.
   * @default none
   */
  readonly patches?: readonly PostRenderPatch[];
  /** What the chart is expected to render. @default nothing declared: the render verification reports every workload */
  readonly expects?: ChartExpectations;
}

/**
 * An upstream Helm chart delivered by Flux: a `HelmRepository` or `OCIRepository` for the
 * catalog entry's repository, and a `HelmRelease` at the pinned version. Failed installs and
 * upgrades are remediated, and drift detection reverts manual changes to the release's objects.
 */
export class HelmChart<Values extends object = Record<string, unknown>> extends Construct {
  public readonly entry: CatalogEntry;
  public readonly release: HelmRelease;
  public readonly source: HelmRepository | OCIRepository;
  public readonly expects: ChartExpectations | undefined;

  constructor(scope: Construct, id: string, props: HelmChartProps<Values>) {
    super(scope, id);
    this.entry = props.catalog.get(props.chart);
    this.expects = props.expects;
    const name = props.releaseName ?? this.entry.name;
    const interval = props.interval ?? '30m';
    const crds = props.crds ?? 'CreateReplace';
    const isOci = this.entry.repository.startsWith('oci://');

    this.source = isOci
      ? new OCIRepository(this, 'source', {
          metadata: { name, namespace: props.namespace },
          spec: {
            url: `${this.entry.repository.replace(/\/$/, '')}/${this.entry.chart}`,
            interval,
            ref: { tag: this.entry.version },
            layerSelector: { mediaType: HELM_CHART_LAYER, operation: 'copy' },
          },
        })
      : new HelmRepository(this, 'source', {
          metadata: { name, namespace: props.namespace },
          spec: { url: this.entry.repository, interval },
        });

    this.release = new HelmRelease(this, 'release', {
      metadata: { name, namespace: props.namespace },
      spec: {
        interval,
        releaseName: name,
        ...(isOci
          ? { chartRef: { kind: 'OCIRepository', name } }
          : { chart: { spec: { chart: this.entry.chart, version: this.entry.version, sourceRef: { kind: 'HelmRepository', name }, interval } } }),
        install: { crds, remediation: { retries: 3 } },
        upgrade: { crds, cleanupOnFail: true, remediation: { retries: 3, remediateLastFailure: true, strategy: 'rollback' } },
        driftDetection: { mode: 'enabled' },
        ...(props.dependsOn && props.dependsOn.length > 0 ? { dependsOn: props.dependsOn } : {}),
        ...(props.values ? { values: props.values as Record<string, unknown> } : {}),
        ...(props.valuesFrom && props.valuesFrom.length > 0 ? { valuesFrom: props.valuesFrom } : {}),
        ...(props.patches && props.patches.length > 0 ? { postRenderers: [{ kustomize: { patches: props.patches } }] } : {}),
      },
    });
  }
}
