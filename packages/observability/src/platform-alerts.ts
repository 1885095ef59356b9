import { Component } from '@ck8s/core';
import type { Construct } from 'constructs';
import { MONITORING_NAMESPACE } from './monitoring-names.js';
import { platformAlertGroups } from './platform-alert-rules.js';
import { PrometheusRule } from './prometheus-rule.js';

export interface PlatformAlertsProps {
  /** The workload clusters that report to this service cluster: each must keep sending metrics. @default none */
  readonly workloadClusters?: readonly string[];
  /** Namespaces of the platform's components and of the GitOps engines of the clusters reporting here (flux-system, argocd), whose scrape targets must be up. @default none (Kubernetes' only) */
  readonly namespaces?: readonly string[];
  /** The log store's snapshot repository, when the log store here takes snapshots: they must succeed. @default none */
  readonly logSnapshotRepository?: string;
  /** URL of the runbook page, for the alerts' `runbook_url` (see runbooksUrl). @default no runbook links */
  readonly runbookUrl?: string;
}

/**
 * The platform's alerts (`platform/platform-alerts.yaml`, usually id `platform-alerts`): one
 * PrometheusRule in the service cluster, whose Prometheus evaluates it on its own metrics and on
 * everything its workload clusters write to it. Component health (scrape targets, Flux objects,
 * missing workload clusters), certificate expiry, failed or missing backups, Falco events at
 * warning and above, stalled log shipping and filling disks; see `PLATFORM_ALERT_METRICS` for the
 * metrics they read.
 */
export class PlatformAlerts extends Component {
  public readonly rule: PrometheusRule;

  constructor(scope: Construct, id: string, props: PlatformAlertsProps = {}) {
    super(scope, id, { layer: 'platform' });
    this.rule = new PrometheusRule(this, 'rule', {
      name: 'platform-alerts',
      namespace: MONITORING_NAMESPACE,
      groups: platformAlertGroups({
        workloadClusters: props.workloadClusters ?? [],
        namespaces: props.namespaces ?? [],
        ...(props.logSnapshotRepository ? { logSnapshotRepository: props.logSnapshotRepository } : {}),
      }),
      ...(props.runbookUrl ? { runbookUrl: props.runbookUrl } : {}),
    });
  }
}
