import type { ComponentAlertGroup } from '@ck8s/core';

/** trivy-operator 0.32 (pkg/metrics/collector.go): vulnerabilities per workload container and `severity` (Critical, High, ...). */
export const TRIVY_IMAGE_VULNERABILITIES = 'trivy_image_vulnerabilities';
/** trivy-operator: controls of a ClusterComplianceReport (`title`) per `status` (Pass, Fail). */
export const TRIVY_CLUSTER_COMPLIANCE = 'trivy_cluster_compliance';

/** Name of the operator's metrics endpoint. */
export const POSTURE_METRICS = 'trivy-operator';

/** How far back "new" looks: a finding that was not there a day ago. */
const BASELINE = '1d';

/**
 * `now > a day ago` per label set, counting a label set without history as 0 a day ago: true for
 * findings that appeared during the last day (and stays true for that day), never for old ones.
 */
function grewSinceBaseline(selector: string, by: string): string {
  const now = `sum by (${by}) (${selector})`;
  return `${now} > (sum by (${by}) (${selector} offset ${BASELINE}) or ${now} * 0)`;
}

/** The posture scanner's alerts: what changed for the worse, not the standing backlog (that is the dashboards' job). */
export const POSTURE_ALERTS: ComponentAlertGroup = {
  name: 'posture',
  alerts: [
    {
      alert: 'NewCriticalVulnerabilities',
      severity: 'warning',
      expr: grewSinceBaseline(`${TRIVY_IMAGE_VULNERABILITIES}{severity="Critical"}`, 'cluster, namespace, resource_kind, resource_name'),
      summary: 'A workload has new critical vulnerabilities',
      description:
        '{{ $labels.resource_kind }} {{ $labels.namespace }}/{{ $labels.resource_name }} in cluster {{ $labels.cluster }} has {{ $value }} critical vulnerabilities, more than a day ago. Read its VulnerabilityReport (kubectl -n {{ $labels.namespace }} get vulnerabilityreports -o wide) and rebuild or update the image.',
      metrics: { [TRIVY_IMAGE_VULNERABILITIES]: POSTURE_METRICS },
    },
    {
      alert: 'ComplianceChecksFailing',
      severity: 'warning',
      expr: grewSinceBaseline(`${TRIVY_CLUSTER_COMPLIANCE}{status="Fail"}`, 'cluster, title'),
      summary: 'More compliance controls fail than a day ago',
      description:
        '{{ $value }} controls of "{{ $labels.title }}" fail in cluster {{ $labels.cluster }}, more than a day ago. Compare its ClusterComplianceReport (kubectl get clustercompliancereports -o wide) with the change that was applied.',
      metrics: { [TRIVY_CLUSTER_COMPLIANCE]: POSTURE_METRICS },
    },
  ],
};
