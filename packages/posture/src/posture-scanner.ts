import {
  type ChartCatalog,
  Component,
  HelmChart,
  PLATFORM_NAMESPACES,
  type Pods,
  restrictedContainerSecurityContext,
  restrictedPodSecurityContext,
} from '@ck8s/core';
import type { Construct } from 'constructs';
import { POSTURE_ALERTS, POSTURE_METRICS } from './posture-alerts.js';
import { POSTURE_DASHBOARD } from './posture-dashboard.js';
import type { TrivyOperatorValues } from './trivy-operator-values.js';

export interface PostureScannerProps {
  readonly catalog: ChartCatalog;
  /**
   * Run trivy-operator's node-collector, which reads the kubelet and control plane files of every
   * node for the node checks of the CIS benchmark (infra assessment). It needs the host PID
   * namespace and host paths, so the namespace then enforces `privileged` (with the reason written
   * on it) instead of `restricted`. Without it the CIS report's node checks have no data.
   * @default false
   */
  readonly nodeCollector?: boolean;
}

/** Namespace of the posture scanner and of its scan Jobs. */
export const POSTURE_NAMESPACE = PLATFORM_NAMESPACES.posture;
/** Port of the operator's Prometheus metrics (the chart's OPERATOR_METRICS_BIND_ADDRESS). */
export const POSTURE_METRICS_PORT = 8080;
/** The operator pod, as the chart labels it (scan Jobs do not carry its labels). */
export const POSTURE_OPERATOR_PODS: Pods = {
  name: 'trivy-operator',
  namespace: POSTURE_NAMESPACE,
  labels: { 'app.kubernetes.io/name': 'trivy-operator' },
};

/** Every pod of the namespace: the operator and the scan Jobs it starts. */
const POSTURE_PODS: Pods = { name: 'trivy-system', namespace: POSTURE_NAMESPACE };

/**
 * Compliance specs the operator evaluates (the ids of trivy-operator's bundled specs): the CIS
 * Kubernetes Benchmark, the NSA-CISA Kubernetes Hardening Guide and both Pod Security Standards levels.
 */
export const COMPLIANCE_SPECS: readonly string[] = ['k8s-cis-1.23', 'k8s-nsa-1.0', 'k8s-pss-baseline-0.1', 'k8s-pss-restricted-0.1'];

/** Why the namespace drops below restricted when the node-collector runs. */
export const NODE_COLLECTOR_POD_SECURITY_EXCEPTION =
  'trivy-operator node-collector Jobs read kubelet and control plane files for the CIS node checks: host PID namespace and read-only host paths; the operator and scan Jobs stay restricted';

/**
 * Continuous posture and vulnerability scanning in every cluster (`controllers/trivy-operator.yaml`):
 * trivy-operator in the restricted `trivy-system` namespace scans workload images (vulnerabilities,
 * SBOMs, exposed secrets), audits the configuration of workloads and RBAC, and evaluates the CIS
 * Kubernetes Benchmark, the NSA-CISA hardening guide and the Pod Security Standards
 * (COMPLIANCE_SPECS) every six hours into ClusterComplianceReports. Findings are custom resources in
 * the cluster and Prometheus metrics: the cluster's Prometheus scrapes the operator (the chart's
 * ServiceMonitor stays off; the component declares its metrics endpoint) and a workload
 * cluster's agent remote-writes them to the service cluster, where the evidence is kept and alerted on.
 *
 * Why trivy-operator and not the Kubescape operator: one scanner covers images, configuration,
 * RBAC, exposed secrets and the compliance frameworks, with the same Trivy engine and database the
 * registry (Harbor) scans with, so a CVE is judged alike at push time and at run time; and its results
 * leave the cluster as Prometheus metrics through the metrics pipeline the platform already has,
 * while Kubescape's results need its own backend (or storage component) to be collected and read.
 * What this gives up: Kubescape ships a MITRE ATT&CK framework; trivy-operator does not, so the
 * platform adds its own ClusterComplianceReport for it (MitreAttackCompliance), and runtime
 * detection of the same techniques is Falco's (its rules carry ATT&CK tags).
 *
 * Scan Jobs run in `trivy-system` (not in the tenants' namespaces) as a non-root user with the
 * restricted security context and no service account token. Node checks need the node-collector,
 * which the restricted profile forbids: see `nodeCollector`.
 *
 * Network: the operator reaches the API server; the operator and its scan Jobs reach the internet on
 * 443 (0.0.0.0/0) for the vulnerability database (mirror.gcr.io) and the image registries they scan,
 * whose addresses a NetworkPolicy cannot name; Prometheus reaches the metrics on 8080.
 */
export class PostureScanner extends Component {
  constructor(scope: Construct, id: string, props: PostureScannerProps) {
    super(scope, id, { layer: 'controllers' });
    const namespace = POSTURE_NAMESPACE;
    const nodeCollector = props.nodeCollector ?? false;

    this.addNamespace({
      name: namespace,
      ...(nodeCollector ? { podSecurity: 'privileged' as const, podSecurityException: NODE_COLLECTOR_POD_SECURITY_EXCEPTION } : {}),
    });
    if (nodeCollector)
      this.addAdmissionException({
        name: 'trivy-operator-node-collector-registry',
        namespace,
        rule: 'platform-registries',
        object: 'Job/node-collector',
        reason:
          "the operator starts node-collector Jobs from ghcr.io/aquasecurity/node-collector (the chart's nodeCollector.registry), outside the chart's registries in charts/catalog.yaml, and only when the node checks are on",
      });

    const restrictedContainer = restrictedContainerSecurityContext();
    new HelmChart<TrivyOperatorValues>(this, 'chart', {
      catalog: props.catalog,
      chart: 'trivy-operator',
      namespace,
      expects: {
        workloads: ['Deployment/trivy-operator'],
        // the operator reads workloads cluster-wide to scan them; the aggregate roles let namespace users view their reports
        clusterObjects: [
          'ClusterRole/trivy-operator',
          'ClusterRoleBinding/trivy-operator',
          'ClusterRole/aggregate-config-audit-reports-view',
          'ClusterRole/aggregate-exposed-secret-reports-view',
          'ClusterRole/aggregate-vulnerability-reports-view',
        ],
      },
      values: {
        operator: {
          replicas: 1,
          vulnerabilityScannerEnabled: true,
          sbomGenerationEnabled: true,
          configAuditScannerEnabled: true,
          rbacAssessmentScannerEnabled: true,
          infraAssessmentScannerEnabled: nodeCollector,
          exposedSecretScannerEnabled: true,
          clusterComplianceEnabled: true,
          metricsFindingsEnabled: true,
          // one series per control and spec: the evidence of which control fails, not just a score
          metricsClusterComplianceInfo: true,
          scanJobsConcurrentLimit: 3,
        },
        trivyOperator: {
          // the trivy image runs as root by default; nobody (65534) can scan images and write the emptyDir cache
          scanJobPodTemplatePodSecurityContext: restrictedPodSecurityContext({ runAsUser: 65534, runAsGroup: 65534 }),
          scanJobPodTemplateContainerSecurityContext: restrictedContainer,
          scanJobAutomountServiceAccountToken: false,
        },
        trivy: { ignoreUnfixed: false, severity: 'UNKNOWN,LOW,MEDIUM,HIGH,CRITICAL' },
        compliance: { specs: COMPLIANCE_SPECS, reportType: 'all', cron: '0 */6 * * *' },
        service: { metricsPort: 80 },
        serviceMonitor: { enabled: false },
        podSecurityContext: restrictedPodSecurityContext({ runAsUser: 10000, runAsGroup: 10000 }),
        securityContext: restrictedContainer,
        resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '1Gi' } },
      },
    });

    this.addFlow({ from: POSTURE_OPERATOR_PODS, to: { peer: 'api-server' } });
    // all pods: the scan Jobs the operator starts carry none of its labels
    this.addFlow({
      from: POSTURE_PODS,
      to: {
        peer: 'internet',
        reason: 'the vulnerability database (mirror.gcr.io) and the image registries the scans read, whose addresses a NetworkPolicy cannot name',
      },
      ports: [{ port: 443 }],
      name: 'allow-vulnerability-db-and-registries',
    });
    this.addMetrics({ name: POSTURE_METRICS, pods: POSTURE_OPERATOR_PODS, port: POSTURE_METRICS_PORT });
    this.addAlerts(POSTURE_ALERTS);
    this.addDashboard(POSTURE_DASHBOARD);
  }
}
