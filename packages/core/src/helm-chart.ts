import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import type { ChartCatalog, CatalogEntry } from './catalog.js';
import type { PlatformAdmissionRule } from './contributions.js';
import type { NamespacedObjectReference } from './flux/common.js';
import { type CrdPolicy, HelmRelease, type PostRenderPatch } from './flux/helm-release.js';
import { HelmRepository } from './flux/helm-repository.js';
import { OCIRepository } from './flux/oci-repository.js';
import { Application } from './argocd/application.js';
import {
  ARGOCD_NAMESPACE,
  ARGOCD_PROJECT,
  GITOPS_ENGINE_CONTEXT,
  type GitOpsEngine,
  IN_CLUSTER,
  platformSyncPolicy,
  RESOURCES_FINALIZER,
  SYNC_WAVE,
} from './argocd/common.js';
import { objectName } from './naming.js';

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
   * Workloads excepted from one of the platform's admission rules (PLATFORM_ADMISSION_RULES), each with
   * why; in the cluster the rule's binding leaves the release's namespace out (see
   * PlatformAdmissionException). Listed by `validate --output json` and the report like tenants' exceptions.
   * @default none
   */
  readonly admissionExceptions?: readonly { readonly workload: string; readonly rule: PlatformAdmissionRule; readonly reason: string }[];
  /**
   * Pods an operator makes from a custom resource the chart renders (`Prometheus/<name>`), which no
   * chart renders: their labels and container ports, so declared flows to and from them are checked.
   * The render verification reports one whose resource the chart does not render. @default none
   */
  readonly operatorPods?: readonly {
    readonly resource: string;
    readonly labels: Readonly<Record<string, string>>;
    readonly ports: readonly number[];
  }[];
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
  /**
   * Why helm must not check the values against the chart's values.schema.json (install and upgrade):
   * only for a schema that cannot be checked where helm-controller runs (e.g. `$ref`s to the internet).
   * The render verification then checks every key set against the chart's values.yaml instead.
   * @default none: helm checks the values against the chart's schema
   */
  readonly skipSchemaValidation?: string;
  /** Releases that must be ready first. @default none */
  readonly dependsOn?: readonly NamespacedObjectReference[];
  /** Values merged from Secrets or ConfigMaps (for credentials kept in sops files). @default none */
  readonly valuesFrom?: readonly {
    readonly kind: 'Secret' | 'ConfigMap';
    readonly name: string;
    readonly valuesKey?: string;
    readonly targetPath?: string;
  }[];
  /**
   * Patches of the rendered chart, for a defect no value reaches (Flux `postRenderers`). Each one
   * is an exception to "values only": say in a comment why, and drop it when the chart is fixed.
   * @default none
   */
  readonly patches?: readonly PostRenderPatch[];
  /** What the chart is expected to render. @default nothing declared: the render verification reports every workload */
  readonly expects?: ChartExpectations;
  /**
   * An existing ServiceAccount of the release's namespace that Flux installs the release as, instead
   * of `flux-<release>` bound to cluster-admin: for a release in a tenant's namespace, where any account
   * is usable by the tenant's own pods, the tenant's `flux-reconciler` (the tenant's rights in its
   * namespace, nothing more). Only for a chart that renders namespaced objects alone. Argo CD does not
   * impersonate, so it is not used there.
   * @default `flux-<release>`, created here and bound to cluster-admin
   */
  readonly serviceAccountName?: string;
}

/** The ServiceAccount Flux installs a platform release as: `flux-<release>` in the release's namespace. */
export function releaseReconciler(releaseName: string): string {
  return objectName('flux', releaseName);
}

/**
 * An upstream Helm chart delivered by Flux: a `HelmRepository` or `OCIRepository` for the
 * catalog entry's repository, and a `HelmRelease` at the pinned version. Failed installs and
 * upgrades are remediated, and drift detection reverts manual changes to the release's objects.
 *
 * The release names the account Flux installs it as (`flux-<release>`, created here), because
 * under Flux's multi-tenancy lockdown a HelmRelease without one runs as its namespace's `default`
 * account, which may do nothing. Charts create cluster-scoped objects (CRDs, ClusterRoles and
 * their bindings, webhooks), and RBAC lets an account grant only rights it holds, so the account
 * is bound to cluster-admin, as `flux install` binds helm-controller itself; what the lockdown
 * keeps is that nothing else (a tenant's HelmRelease above all) gets those rights by leaving the
 * field out. The account is never mounted (helm-controller impersonates it: no token needed),
 * and each release acts under its own name in the audit log. Flux's multi-tenancy example instead
 * keeps platform releases in flux-system as helm-controller; that would move each release's
 * sources and credential Secrets into flux-system, next to the cluster's age key.
 */
export class HelmChart<Values extends object = Record<string, unknown>> extends Construct {
  public readonly entry: CatalogEntry;
  /** Namespace of the release. */
  public readonly namespace: string;
  /** Helm release name. */
  public readonly releaseName: string;
  /** The chart's values, as both engines pass them to Helm. */
  public readonly values: Record<string, unknown> | undefined;
  /** The Flux source of the chart (a Flux cluster), or undefined. */
  public readonly source: HelmRepository | OCIRepository | undefined;
  /** The Flux HelmRelease (a Flux cluster), or undefined. */
  public readonly release: HelmRelease | undefined;
  /** The Argo CD Application with the chart as its Helm source (an Argo CD cluster), or undefined. */
  public readonly application: Application | undefined;
  /** Name of the ServiceAccount (in the release's namespace) Flux installs the release as. */
  public readonly reconciler: string;
  public readonly expects: ChartExpectations | undefined;
  /** Releases this one waits for. */
  public readonly dependsOn: readonly NamespacedObjectReference[];

  constructor(scope: Construct, id: string, props: HelmChartProps<Values>) {
    super(scope, id);
    this.entry = props.catalog.get(props.chart);
    this.expects = props.expects;
    const name = props.releaseName ?? this.entry.name;
    const interval = props.interval ?? '30m';
    const crds = props.crds ?? 'CreateReplace';
    const isOci = this.entry.repository.startsWith('oci://');
    if (props.skipSchemaValidation !== undefined && !props.skipSchemaValidation.trim())
      throw new Error(`chart ${props.chart}: skipSchemaValidation needs the reason helm cannot check the chart's schema`);
    const skipSchema = props.skipSchemaValidation ? { disableSchemaValidation: true } : {};

    this.namespace = props.namespace;
    this.releaseName = name;
    this.values = props.values as Record<string, unknown> | undefined;
    this.dependsOn = props.dependsOn ?? [];
    this.reconciler = props.serviceAccountName ?? releaseReconciler(name);
    const engine = (this.node.tryGetContext(GITOPS_ENGINE_CONTEXT) as GitOpsEngine | undefined) ?? 'flux';
    if (engine === 'argocd') {
      this.release = undefined;
      this.source = undefined;
      this.application = this.argoApplication(props, name, isOci);
      return;
    }
    this.application = undefined;

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
        serviceAccountName: this.reconciler,
        ...(isOci
          ? { chartRef: { kind: 'OCIRepository', name } }
          : { chart: { spec: { chart: this.entry.chart, version: this.entry.version, sourceRef: { kind: 'HelmRepository', name }, interval } } }),
        install: { crds, ...skipSchema, remediation: { retries: 3 } },
        upgrade: { crds, ...skipSchema, cleanupOnFail: true, remediation: { retries: 3, remediateLastFailure: true, strategy: 'rollback' } },
        driftDetection: { mode: 'enabled' },
        ...(props.dependsOn && props.dependsOn.length > 0 ? { dependsOn: props.dependsOn } : {}),
        ...(props.values ? { values: props.values as Record<string, unknown> } : {}),
        ...(props.valuesFrom && props.valuesFrom.length > 0 ? { valuesFrom: props.valuesFrom } : {}),
        ...(props.patches && props.patches.length > 0 ? { postRenderers: [{ kustomize: { patches: props.patches } }] } : {}),
      },
    });

    if (props.serviceAccountName) return;
    new ApiObject(this, 'reconciler', {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: this.reconciler, namespace: props.namespace },
      automountServiceAccountToken: false,
    });
    new ApiObject(this, 'reconciler-binding', {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: objectName('flux', props.namespace, name) },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
      subjects: [{ kind: 'ServiceAccount', name: this.reconciler, namespace: props.namespace }],
    });
  }

  /**
   * The release as an Argo CD Application in Argo CD's namespace, deploying the same chart, version
   * and values into the release's namespace; the application-controller applies it (no account per
   * release: Argo CD does not impersonate). A release's dependencies become a later sync wave of
   * its layer's Application, so it is applied only once they are healthy, as Flux's dependsOn waits.
   * @throws Error for what Argo CD's Helm source cannot do: values from in-cluster Secrets, post-render patches
   */
  private argoApplication(props: HelmChartProps<Values>, name: string, isOci: boolean): Application {
    const where = `chart ${props.chart} (release ${props.namespace}/${name})`;
    if (props.valuesFrom && props.valuesFrom.length > 0)
      throw new Error(
        `${where} reads values from in-cluster Secrets (valuesFrom), which an Argo CD Helm source cannot; not supported with gitops.engine argocd yet`,
      );
    if (props.patches && props.patches.length > 0)
      throw new Error(`${where} has post-render patches, which an Argo CD Helm source cannot apply; not supported with gitops.engine argocd yet`);
    const wave = (props.dependsOn?.length ?? 0) > 0 ? 2 : 1;
    return new Application(this, 'application', {
      metadata: {
        name: objectName(props.namespace, name).replace(/^(.+)-\1$/, '$1'),
        namespace: ARGOCD_NAMESPACE,
        // after the layer's namespaces, Secrets and NetworkPolicies (wave 0), and after the releases it depends on
        annotations: { [SYNC_WAVE]: String(wave) },
        finalizers: [RESOURCES_FINALIZER],
      },
      spec: {
        project: ARGOCD_PROJECT,
        source: {
          // Argo CD names an OCI Helm registry without its scheme
          repoURL: isOci ? this.entry.repository.replace(/^oci:\/\//, '').replace(/\/$/, '') : this.entry.repository,
          chart: this.entry.chart,
          targetRevision: this.entry.version,
          helm: {
            releaseName: name,
            ...(props.values ? { valuesObject: props.values as Record<string, unknown> } : {}),
            ...((props.crds ?? 'CreateReplace') === 'Skip' ? { skipCrds: true } : {}),
          },
        },
        destination: { server: IN_CLUSTER, namespace: props.namespace },
        syncPolicy: platformSyncPolicy(['CreateNamespace=false']),
      },
    });
  }
}
