import { CLUSTER_MATCHER, type ComponentDashboard, PLATFORM_NAMESPACES } from '@ck8s/core';
import { POSTURE_METRICS, TRIVY_CLUSTER_COMPLIANCE, TRIVY_IMAGE_VULNERABILITIES } from './posture-alerts.js';

// trivy-operator's report metrics (pkg/metrics/collector.go), per `severity`; controller-runtime's
// reconcile errors of the operator itself.
const CONFIG_AUDITS = 'trivy_resource_configaudits';
const EXPOSED_SECRETS = 'trivy_image_exposedsecrets';
const RBAC_ASSESSMENTS = 'trivy_role_rbacassessments';
const RECONCILE_ERRORS = 'controller_runtime_reconcile_errors_total';
const C = CLUSTER_MATCHER;

/** Vulnerabilities and posture from trivy-operator's reports, and whether the operator keeps them current. */
export const POSTURE_DASHBOARD: ComponentDashboard = {
  name: 'trivy-operator',
  title: 'Vulnerabilities and posture (trivy-operator)',
  description:
    "trivy-operator per cluster: image vulnerabilities and exposed secrets, configuration and RBAC findings by severity, failing compliance controls, and the operator's reconcile errors.",
  metrics: Object.fromEntries(
    [TRIVY_IMAGE_VULNERABILITIES, EXPOSED_SECRETS, CONFIG_AUDITS, RBAC_ASSESSMENTS, TRIVY_CLUSTER_COMPLIANCE, RECONCILE_ERRORS].map((n) => [
      n,
      POSTURE_METRICS,
    ]),
  ),
  rows: [
    {
      title: 'Images',
      panels: [
        {
          title: 'Vulnerabilities by severity',
          description: 'Known vulnerabilities in the images of running workloads, by severity; a new critical one raises NewCriticalVulnerabilities.',
          unit: 'short',
          queries: [{ expr: `sum by (cluster, severity) (${TRIVY_IMAGE_VULNERABILITIES}{${C}})`, legend: '{{cluster}} {{severity}}' }],
        },
        {
          title: 'Workloads with most critical vulnerabilities',
          description: 'The ten workloads whose images carry the most critical vulnerabilities: where a rebuild or an upgrade helps most.',
          unit: 'short',
          queries: [
            {
              expr: `topk(10, sum by (cluster, namespace, resource_kind, resource_name) (${TRIVY_IMAGE_VULNERABILITIES}{${C}, severity="Critical"}))`,
              legend: '{{cluster}} {{namespace}} {{resource_kind}}/{{resource_name}}',
            },
          ],
        },
        {
          title: 'Exposed secrets by severity',
          description: 'Secrets (keys, tokens) found inside images: each is a credential to rotate and an image to rebuild.',
          unit: 'short',
          queries: [{ expr: `sum by (cluster, severity) (${EXPOSED_SECRETS}{${C}})`, legend: '{{cluster}} {{severity}}' }],
        },
      ],
    },
    {
      title: 'Posture',
      panels: [
        {
          title: 'Configuration findings by severity',
          description: "Findings of the configuration audit of workloads and other objects (Kubernetes' hardening checks), by severity.",
          unit: 'short',
          queries: [{ expr: `sum by (cluster, severity) (${CONFIG_AUDITS}{${C}})`, legend: '{{cluster}} {{severity}}' }],
        },
        {
          title: 'RBAC findings by severity',
          description: 'Roles granting risky rights (secrets, exec, escalation), by severity.',
          unit: 'short',
          queries: [{ expr: `sum by (cluster, severity) (${RBAC_ASSESSMENTS}{${C}})`, legend: '{{cluster}} {{severity}}' }],
        },
        {
          title: 'Compliance controls failing',
          description: 'Controls of each compliance report that fail; more than a day ago raises ComplianceChecksFailing.',
          unit: 'short',
          queries: [{ expr: `sum by (cluster, title) (${TRIVY_CLUSTER_COMPLIANCE}{${C}, status="Fail"})`, legend: '{{cluster}} {{title}}' }],
        },
        {
          title: 'Operator reconcile errors',
          description: 'Reconciliations of the operator that failed per hour and controller: reports then go stale.',
          unit: 'short',
          queries: [
            {
              expr: `sum by (cluster, controller) (increase(${RECONCILE_ERRORS}{${C}, namespace="${PLATFORM_NAMESPACES.posture}"}[1h]))`,
              legend: '{{cluster}} {{controller}}',
            },
          ],
        },
      ],
    },
  ],
};
