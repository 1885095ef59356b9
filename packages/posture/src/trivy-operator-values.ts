/** Pod and container security contexts as the chart passes them through. */
export type SecurityContextValues = Record<string, unknown>;

/** The values of the trivy-operator chart this platform sets (a typed subset of the chart's values.yaml). */
export interface TrivyOperatorValues {
  readonly operator: {
    readonly replicas: number;
    readonly vulnerabilityScannerEnabled: boolean;
    readonly sbomGenerationEnabled: boolean;
    readonly configAuditScannerEnabled: boolean;
    readonly rbacAssessmentScannerEnabled: boolean;
    /** Also runs the node-collector Jobs, which read host paths of every node. */
    readonly infraAssessmentScannerEnabled: boolean;
    readonly exposedSecretScannerEnabled: boolean;
    readonly clusterComplianceEnabled: boolean;
    readonly metricsFindingsEnabled: boolean;
    readonly metricsClusterComplianceInfo: boolean;
    readonly scanJobsConcurrentLimit: number;
  };
  readonly trivyOperator: {
    readonly scanJobPodTemplatePodSecurityContext: SecurityContextValues;
    readonly scanJobPodTemplateContainerSecurityContext: SecurityContextValues;
    readonly scanJobAutomountServiceAccountToken: boolean;
  };
  readonly trivy: { readonly ignoreUnfixed: boolean; readonly severity: string };
  readonly compliance: {
    /** Compliance specs evaluated on `cron` into ClusterComplianceReports. */
    readonly specs: readonly string[];
    readonly reportType: 'summary' | 'all';
    readonly cron: string;
  };
  readonly service: { readonly metricsPort: number };
  readonly serviceMonitor: { readonly enabled: false };
  readonly podSecurityContext: SecurityContextValues;
  readonly securityContext: SecurityContextValues;
  readonly resources: { readonly requests: Record<string, string>; readonly limits: Record<string, string> };
}
