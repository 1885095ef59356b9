import type { ContainerResources, ContainerSecurityContextValues, PodSecurityContextValues } from '@ck8s/core';
import type { WriteRelabeling } from './tenant-metrics.js';

/**
 * The values of the kube-prometheus-stack chart this platform sets: a typed subset of the chart's
 * values.yaml (and of its kube-state-metrics, prometheus-node-exporter and grafana subcharts).
 */
export interface KubePrometheusStackValues {
  readonly crds: { readonly enabled: boolean };
  readonly defaultRules: { readonly create: boolean; readonly additionalAggregationLabels?: readonly string[] };
  readonly kubeApiServer: { readonly enabled: boolean };
  readonly kubelet: {
    readonly enabled: boolean;
    readonly serviceMonitor: { readonly kubelet: boolean; readonly cAdvisor: boolean; readonly probes: boolean };
  };
  readonly kubeControllerManager: { readonly enabled: boolean };
  readonly kubeScheduler: { readonly enabled: boolean };
  readonly kubeEtcd: { readonly enabled: boolean };
  readonly kubeProxy: { readonly enabled: boolean };
  readonly coreDns: { readonly enabled: boolean };
  readonly kubeStateMetrics: { readonly enabled: boolean };
  readonly 'kube-state-metrics': KubeStateMetricsValues;
  readonly nodeExporter: { readonly enabled: boolean };
  readonly 'prometheus-node-exporter': NodeExporterValues;
  readonly prometheusOperator: PrometheusOperatorValues;
  readonly prometheus: {
    readonly enabled: boolean;
    /** Renders a PrometheusAgent instead of a Prometheus (scrape and remote write only). */
    readonly agentMode: boolean;
    readonly prometheusSpec: PrometheusSpecValues;
  };
  readonly alertmanager: AlertmanagerValues;
  readonly grafana: GrafanaValues;
}

/** The security contexts as the charts take them: the platform's one restricted definition (core). */
export type { ContainerSecurityContextValues, PodSecurityContextValues } from '@ck8s/core';
/** Requests and a memory limit, as every container of the platform has them. */
export type ResourcesValues = ContainerResources;

/** `kube-state-metrics` subchart, including the custom resource state config that yields `gotk_resource_info`. */
export interface KubeStateMetricsValues {
  readonly securityContext: PodSecurityContextValues & { readonly enabled: boolean };
  readonly containerSecurityContext: ContainerSecurityContextValues;
  readonly rbac: {
    readonly extraRules: readonly {
      readonly apiGroups: readonly string[];
      readonly resources: readonly string[];
      readonly verbs: readonly string[];
    }[];
  };
  readonly customResourceState: { readonly enabled: boolean; readonly config: Record<string, unknown> };
  readonly resources: ResourcesValues;
}

/** `prometheus-node-exporter` subchart. */
export interface NodeExporterValues {
  readonly namespaceOverride: string;
  readonly hostNetwork: boolean;
  readonly hostPID: boolean;
  readonly hostRootFsMount: { readonly enabled: boolean; readonly mountPropagation: 'HostToContainer' };
  readonly securityContext: PodSecurityContextValues;
  readonly containerSecurityContext: ContainerSecurityContextValues;
  readonly resources: ResourcesValues;
}

export interface PrometheusOperatorValues {
  readonly admissionWebhooks: {
    readonly enabled: boolean;
    readonly failurePolicy: 'Fail' | 'Ignore';
    /** The hook Jobs that create the webhook's certificate and patch it into the webhooks (one size for both). */
    readonly patch: { readonly resources: ResourcesValues };
  };
  readonly securityContext: PodSecurityContextValues;
  readonly containerSecurityContext: ContainerSecurityContextValues;
  readonly resources: ResourcesValues;
  /** The config reloader the operator adds to the pods it creates; the chart turns empty resources into none. */
  readonly prometheusConfigReloader: { readonly resources: ResourcesValues };
}

export interface SecretKeyRef {
  readonly name: string;
  readonly key: string;
}

export interface RemoteWriteValues {
  readonly url: string;
  /** Applied to every series before it is sent (after the external labels are added). */
  readonly writeRelabelConfigs?: readonly WriteRelabeling[];
  readonly basicAuth: { readonly username: SecretKeyRef; readonly password: SecretKeyRef };
}

export interface RelabelingValues {
  readonly action: 'replace';
  readonly targetLabel: string;
  readonly replacement: string;
}

/** `prometheus.prometheusSpec`; in agent mode the chart renders the applicable fields into a PrometheusAgent. */
export interface PrometheusSpecValues {
  readonly enableRemoteWriteReceiver?: boolean;
  readonly retention?: string;
  readonly retentionSize?: string;
  readonly storageSpec?: {
    readonly volumeClaimTemplate: {
      readonly spec: { readonly accessModes: readonly string[]; readonly resources: { readonly requests: { readonly storage: string } } };
    };
  };
  readonly remoteWrite?: readonly RemoteWriteValues[];
  readonly externalLabels: Record<string, string>;
  readonly scrapeClasses: readonly { readonly name: string; readonly default: boolean; readonly relabelings: readonly RelabelingValues[] }[];
  readonly serviceMonitorSelectorNilUsesHelmValues: boolean;
  readonly serviceMonitorSelector: Record<string, never>;
  readonly serviceMonitorNamespaceSelector: Record<string, never>;
  readonly podMonitorSelectorNilUsesHelmValues: boolean;
  readonly podMonitorSelector: Record<string, never>;
  readonly podMonitorNamespaceSelector: Record<string, never>;
  readonly probeSelectorNilUsesHelmValues: boolean;
  readonly probeSelector: Record<string, never>;
  readonly probeNamespaceSelector: Record<string, never>;
  readonly ruleSelectorNilUsesHelmValues?: boolean;
  readonly ruleSelector?: Record<string, never>;
  readonly ruleNamespaceSelector?: Record<string, never> | NamespaceSelectorValues;
  /** The label set to the namespace of origin on what tenant monitors scrape and tenant rules return, and added to their selectors. */
  readonly enforcedNamespaceLabel?: string;
  /** Monitors and rules whose namespace label is not enforced (the platform's own, which read other namespaces). */
  readonly excludedFromEnforcement?: readonly {
    readonly group: 'monitoring.coreos.com';
    readonly resource: string;
    readonly namespace: string;
    readonly name?: string;
  }[];
  readonly securityContext: PodSecurityContextValues;
  readonly resources: ResourcesValues;
}

/** A label selector of namespaces, as the operator's `*NamespaceSelector` fields take it. */
export interface NamespaceSelectorValues {
  readonly matchExpressions: readonly { readonly key: string; readonly operator: 'Exists' }[];
}

export interface AlertmanagerValues {
  readonly enabled: boolean;
  /** Alertmanager's configuration file; the chart writes it into the config Secret. */
  readonly config?: Record<string, unknown>;
  readonly alertmanagerSpec?: {
    /** Secrets mounted at /etc/alertmanager/secrets/<name>/. */
    readonly secrets: readonly string[];
    /** AlertmanagerConfig objects merged into the configuration, and the namespaces they are read from. @default none read */
    readonly alertmanagerConfigSelector?: Record<string, never>;
    readonly alertmanagerConfigNamespaceSelector?: NamespaceSelectorValues;
    /** `OnNamespace`: each AlertmanagerConfig's routes match only alerts whose namespace label is its own. */
    readonly alertmanagerConfigMatcherStrategy?: { readonly type: 'OnNamespace' };
    readonly securityContext: PodSecurityContextValues;
    readonly resources: ResourcesValues;
  };
}

/** `grafana` subchart. */
export type GrafanaValues =
  | { readonly enabled: false }
  | {
      readonly enabled: true;
      readonly admin: { readonly existingSecret: string; readonly userKey: string; readonly passwordKey: string };
      readonly envValueFrom: Record<string, { readonly secretKeyRef: SecretKeyRef }>;
      readonly 'grafana.ini': Record<string, Record<string, string | boolean>>;
      readonly sidecar: {
        readonly dashboards: {
          readonly enabled: boolean;
          readonly label: string;
          readonly labelValue: string;
          readonly searchNamespace: 'ALL';
          /** kube-prometheus-stack's own dashboards get a `cluster` variable. */
          readonly multicluster: { readonly global: { readonly enabled: boolean } };
        };
        readonly securityContext: ContainerSecurityContextValues;
        readonly resources: ResourcesValues;
      };
      readonly securityContext: PodSecurityContextValues;
      readonly containerSecurityContext: ContainerSecurityContextValues;
      readonly initChownData: { readonly enabled: boolean };
      /** Hooks of the grafana container: the start-up hook that makes the tenants' organisations. */
      readonly lifecycleHooks?: { readonly postStart: { readonly exec: { readonly command: readonly string[] } } };
      readonly testFramework: { readonly enabled: boolean };
      readonly resources: ResourcesValues;
    };
