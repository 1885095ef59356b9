import { type ClusterConfig, Component, type Fleet } from '@ck8s/core';
import type { Construct } from 'constructs';
import { MONITORING_NAMESPACE } from './monitoring-names.js';
import { platformAlertGroups } from './platform-alert-rules.js';
import { PrometheusRule } from './prometheus-rule.js';
import { requireServiceCluster } from './require-service-cluster.js';

export interface PlatformAlertsProps {
  /** A service cluster. */
  readonly cluster: ClusterConfig;
  /** Every cluster of the repository: each workload cluster reporting here must keep sending metrics. */
  readonly fleet: Fleet;
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

  constructor(scope: Construct, id: string, props: PlatformAlertsProps) {
    super(scope, id, { layer: 'platform' });
    requireServiceCluster(props.cluster, id);
    this.rule = new PrometheusRule(this, 'rule', { name: 'platform-alerts', namespace: MONITORING_NAMESPACE, groups: platformAlertGroups(props.cluster, props.fleet) });
  }
}

