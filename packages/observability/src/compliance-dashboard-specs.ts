import type { PanelSpec } from '@ck8s/core';
import type { DashboardSpec } from './grafana-dashboard.js';

// Dashboards for auditors: each panel says which control it evidences (ISO/IEC 27001:2022 Annex A)
// and reads only metrics the platform's exporters serve at their pinned versions (Velero 1.18,
// Falco 0.44 and falcosidekick 2.31, k8s.io/apiserver 0.36, kube-state-metrics 2.20, trivy-operator 0.32).

const RATE = '$__rate_interval';
const C = 'cluster=~"$cluster"';

function panel(control: string, title: string, description: string, unit: string, queries: PanelSpec['queries']): PanelSpec {
  return { title, description: `Evidences ${control}. ${description}`, unit, queries };
}

const BACKUP = 'A.8.13 Information backup';
const MONITORING = 'A.8.16 Monitoring activities';
const CONFIGURATION = 'A.8.9 Configuration management';
const NETWORK = 'A.8.22 Segregation of networks';
const VULNERABILITIES = 'A.8.8 Management of technical vulnerabilities';
const CRYPTOGRAPHY = 'A.8.24 Use of cryptography';
const CHANGE = 'A.8.32 Change management';

/** Backups: when each schedule last succeeded, and what failed. */
export function backupsDashboard(): DashboardSpec {
  return {
    uid: 'ck8s-compliance-backups',
    title: 'Compliance / Backups',
    description: 'Age of the last successful backup per cluster and schedule, backup outcomes, and the registry database dump.',
    tags: ['ck8s', 'compliance', 'backups'],
    rows: [
      {
        title: 'Cluster backups (Velero)',
        panels: [
          panel(
            BACKUP,
            'Age of the last successful backup',
            'Time since the newest successful backup of each schedule; the objective is under 26 hours.',
            's',
            [
              {
                expr: `time() - max by (cluster, schedule) (velero_backup_last_successful_timestamp{${C}, schedule!=""})`,
                legend: '{{cluster}} {{schedule}}',
              },
            ],
          ),
          panel(BACKUP, 'Backups per day by outcome', 'Successful, partially failed and failed backups per day.', 'short', [
            { expr: `sum by (cluster) (increase(velero_backup_success_total{${C}}[1d]))`, legend: '{{cluster}} succeeded' },
            { expr: `sum by (cluster) (increase(velero_backup_partial_failure_total{${C}}[1d]))`, legend: '{{cluster}} partially failed' },
            { expr: `sum by (cluster) (increase(velero_backup_failure_total{${C}}[1d]))`, legend: '{{cluster}} failed' },
          ]),
          panel(
            BACKUP,
            'Age of the last registry database dump',
            "Time since the last successful dump of Harbor's database to object storage.",
            's',
            [
              {
                expr: `time() - max by (cluster) (kube_cronjob_status_last_successful_time{${C}, cronjob="harbor-database-dump"})`,
                legend: '{{cluster}}',
              },
            ],
          ),
        ],
      },
    ],
  };
}

/** Intrusion detection: Falco's events by rule and priority, and whether they reached their outputs. */
export function intrusionDetectionDashboard(): DashboardSpec {
  return {
    uid: 'ck8s-compliance-intrusion-detection',
    title: 'Compliance / Intrusion detection',
    description: "Falco's rule matches by rule and priority, and falcosidekick's deliveries to the log store and Alertmanager.",
    tags: ['ck8s', 'compliance', 'falco'],
    rows: [
      {
        title: 'Falco',
        panels: [
          panel(MONITORING, 'Events by rule', 'Rule matches per rule (priority 0 emergency ... 7 debug in the legend).', 'short', [
            {
              expr: `sum by (cluster, rule_name, priority) (increase(falcosecurity_falco_rules_matches_total{${C}}[1h]))`,
              legend: '{{cluster}} {{rule_name}} (priority {{priority}})',
            },
          ]),
          panel(
            MONITORING,
            'Events by priority',
            'Rule matches per hour by numeric priority: 0-2 emergency to critical, 3 error, 4 warning, 5 notice.',
            'short',
            [
              {
                expr: `sum by (cluster, priority) (increase(falcosecurity_falco_rules_matches_total{${C}}[1h]))`,
                legend: '{{cluster}} {{priority}}',
              },
            ],
          ),
          panel(
            MONITORING,
            'Deliveries by output and status',
            'Events falcosidekick sent to each output, ok or error: detections must reach the log store.',
            'short',
            [
              {
                expr: `sum by (cluster, destination, status) (increase(falcosecurity_falcosidekick_outputs_total{${C}}[1h]))`,
                legend: '{{cluster}} {{destination}} {{status}}',
              },
            ],
          ),
        ],
      },
    ],
  };
}

/** Admission: what the platform's ValidatingAdmissionPolicies deny, warn about and audit. */
export function admissionDashboard(): DashboardSpec {
  const checks = 'apiserver_validating_admission_policy_check_total';
  return {
    uid: 'ck8s-compliance-admission',
    title: 'Compliance / Admission policies',
    description: "Requests the platform's admission policies denied, warned about or audited, per policy.",
    tags: ['ck8s', 'compliance', 'admission'],
    rows: [
      {
        title: 'ValidatingAdmissionPolicies',
        panels: [
          panel(CONFIGURATION, 'Denials by policy', 'Requests refused per hour, per policy (the namespace and user are in the audit log).', 'short', [
            { expr: `sum by (cluster, policy) (increase(${checks}{${C}, enforcement_action="deny"}[1h]))`, legend: '{{cluster}} {{policy}}' },
          ]),
          panel(
            CONFIGURATION,
            'Warnings and audits by policy',
            'Violations let through by a warn or audit enforcement, per hour: rules not enforced yet.',
            'short',
            [
              {
                expr: `sum by (cluster, policy, enforcement_action) (increase(${checks}{${C}, enforcement_action=~"warn|audit"}[1h]))`,
                legend: '{{cluster}} {{policy}} {{enforcement_action}}',
              },
            ],
          ),
          panel(CONFIGURATION, 'Policy errors', 'Checks that failed to evaluate (error_type other than no_error), per policy.', 'short', [
            {
              expr: `sum by (cluster, policy, error_type) (rate(${checks}{${C}, error_type!="no_error"}[${RATE}]))`,
              legend: '{{cluster}} {{policy}} {{error_type}}',
            },
          ]),
        ],
      },
    ],
  };
}

/** Network policies: every namespace isolated, and the rules each has. */
export function networkPoliciesDashboard(): DashboardSpec {
  return {
    uid: 'ck8s-compliance-network-policies',
    title: 'Compliance / Network policies',
    description: 'NetworkPolicies per namespace, and namespaces without any (not isolated by default deny).',
    tags: ['ck8s', 'compliance', 'network'],
    rows: [
      {
        title: 'NetworkPolicies',
        panels: [
          panel(
            NETWORK,
            'Namespaces without a NetworkPolicy',
            'Namespaces with no NetworkPolicy at all: every platform and tenant namespace has a default deny, so this stays empty.',
            'short',
            [
              {
                expr: `count by (cluster, namespace) (kube_namespace_created{${C}}) unless on (cluster, namespace) count by (cluster, namespace) (kube_networkpolicy_created{${C}})`,
                legend: '{{cluster}} {{namespace}}',
              },
            ],
          ),
          panel(NETWORK, 'NetworkPolicies per namespace', 'How many NetworkPolicies each namespace has.', 'short', [
            { expr: `count by (cluster, namespace) (kube_networkpolicy_created{${C}})`, legend: '{{cluster}} {{namespace}}' },
          ]),
          panel(
            NETWORK,
            'Ingress and egress rules per namespace',
            'Allow rules of the NetworkPolicies of each namespace; growth means new flows.',
            'short',
            [
              { expr: `sum by (cluster, namespace) (kube_networkpolicy_spec_ingress_rules{${C}})`, legend: '{{cluster}} {{namespace}} ingress' },
              { expr: `sum by (cluster, namespace) (kube_networkpolicy_spec_egress_rules{${C}})`, legend: '{{cluster}} {{namespace}} egress' },
            ],
          ),
        ],
      },
    ],
  };
}

/** Vulnerabilities and posture from trivy-operator's reports. */
export function vulnerabilitiesDashboard(): DashboardSpec {
  return {
    uid: 'ck8s-compliance-vulnerabilities',
    title: 'Compliance / Vulnerabilities and posture',
    description: "Vulnerabilities of running images, misconfigurations and compliance controls, from trivy-operator's reports.",
    tags: ['ck8s', 'compliance', 'vulnerabilities'],
    rows: [
      {
        title: 'trivy-operator',
        panels: [
          panel(VULNERABILITIES, 'Vulnerabilities by severity', 'Known vulnerabilities of the images that run, by severity.', 'short', [
            { expr: `sum by (cluster, severity) (trivy_image_vulnerabilities{${C}})`, legend: '{{cluster}} {{severity}}' },
          ]),
          panel(VULNERABILITIES, 'Namespaces with critical vulnerabilities', 'Critical vulnerabilities per namespace.', 'short', [
            { expr: `sum by (cluster, namespace) (trivy_image_vulnerabilities{${C}, severity="Critical"}) > 0`, legend: '{{cluster}} {{namespace}}' },
          ]),
          panel(
            CONFIGURATION,
            'Misconfigurations by severity',
            'Failed configuration checks of workloads (ConfigAuditReports), by severity.',
            'short',
            [{ expr: `sum by (cluster, severity) (trivy_resource_configaudits{${C}})`, legend: '{{cluster}} {{severity}}' }],
          ),
          panel(CONFIGURATION, 'Compliance controls failing', 'Failing controls per compliance report (CIS, NSA, MITRE ATT&CK).', 'short', [
            { expr: `sum by (cluster, title) (trivy_cluster_compliance{${C}, status="Fail"})`, legend: '{{cluster}} {{title}}' },
          ]),
        ],
      },
    ],
  };
}

/** Certificates: how long each of cert-manager's certificates stays valid, and which are not ready. */
export function certificatesDashboard(): DashboardSpec {
  return {
    uid: 'ck8s-compliance-certificates',
    title: 'Compliance / Certificates',
    description: "Expiry and readiness of every certificate cert-manager manages (the platform's endpoints and tenants' hosts).",
    tags: ['ck8s', 'compliance', 'certificates'],
    rows: [
      {
        title: 'cert-manager',
        panels: [
          panel(CRYPTOGRAPHY, 'Time until expiry', 'Time left before each certificate expires; cert-manager renews 30 days ahead.', 's', [
            {
              expr: `min by (cluster, namespace, name) (certmanager_certificate_expiration_timestamp_seconds{${C}}) - time()`,
              legend: '{{cluster}} {{namespace}}/{{name}}',
            },
          ]),
          panel(
            CRYPTOGRAPHY,
            'Certificates not ready',
            'Certificates whose Ready condition is not True: their hosts serve no valid certificate.',
            'short',
            [
              {
                expr: `sum by (cluster, namespace, name) (certmanager_certificate_ready_status{${C}, condition!="True"}) > 0`,
                legend: '{{cluster}} {{namespace}}/{{name}}',
              },
            ],
          ),
        ],
      },
    ],
  };
}

/** GitOps: what revision each cluster runs and since when, and what Flux or Argo CD could not apply. */
export function gitOpsDashboard(): DashboardSpec {
  const info = `gotk_resource_info{${C}`;
  return {
    uid: 'ck8s-compliance-gitops',
    title: 'Compliance / GitOps',
    description:
      "The reviewed revision of the fleet repository each cluster runs and since when (each revision's line starts when Flux applied it or Argo CD synced it), and what is not applied.",
    tags: ['ck8s', 'compliance', 'gitops'],
    rows: [
      {
        title: 'Flux',
        panels: [
          panel(CHANGE, 'Revision applied, per layer', 'The commit each Kustomization applied; a new line starts at each change.', 'short', [
            { expr: `max by (cluster, name, revision) (${info}, customresource_kind="Kustomization"})`, legend: '{{cluster}} {{name}} {{revision}}' },
          ]),
          panel(CHANGE, 'Chart version installed, per release', 'The chart version each HelmRelease last installed or upgraded to.', 'short', [
            { expr: `max by (cluster, name, revision) (${info}, customresource_kind="HelmRelease"})`, legend: '{{cluster}} {{name}} {{revision}}' },
          ]),
          panel(
            CONFIGURATION,
            'Objects not Ready',
            'Flux objects whose Ready condition is not True: the cluster does not run what git says.',
            'short',
            [{ expr: `count by (cluster, customresource_kind) (${info}, ready!="True"})`, legend: '{{cluster}} {{customresource_kind}}' }],
          ),
          panel(CHANGE, 'Objects suspended', 'Suspended Flux objects: changes in git do not reach the cluster until resumed.', 'short', [
            { expr: `count by (cluster, customresource_kind) (${info}, suspended="true"})`, legend: '{{cluster}} {{customresource_kind}}' },
          ]),
        ],
      },
      {
        // the same evidence on clusters Argo CD syncs: kube-state-metrics reads each Application's
        // revision, Argo CD's controller reports its sync and health
        title: 'Argo CD',
        panels: [
          panel(
            CHANGE,
            'Revision synced, per Application',
            'The commit or chart version each Application last synced; a new line starts at each change.',
            'short',
            [{ expr: `max by (cluster, name, revision) (argocd_application_revision_info{${C}})`, legend: '{{cluster}} {{name}} {{revision}}' }],
          ),
          panel(
            CONFIGURATION,
            'Applications not synced',
            'Applications whose sync status is not Synced: the cluster does not run what git says.',
            'short',
            [{ expr: `count by (cluster, sync_status) (argocd_app_info{${C}, sync_status!="Synced"})`, legend: '{{cluster}} {{sync_status}}' }],
          ),
          panel(CONFIGURATION, 'Applications not healthy', 'Applications whose health is not Healthy, by health status.', 'short', [
            { expr: `count by (cluster, health_status) (argocd_app_info{${C}, health_status!="Healthy"})`, legend: '{{cluster}} {{health_status}}' },
          ]),
          panel(
            CHANGE,
            'Applications without automated sync',
            'Applications Argo CD does not sync by itself: changes in git wait for someone to sync them.',
            'short',
            [{ expr: `count by (cluster) (argocd_app_info{${C}, autosync_enabled="false"})`, legend: '{{cluster}}' }],
          ),
        ],
      },
    ],
  };
}
