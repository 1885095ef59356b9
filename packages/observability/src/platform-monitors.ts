import { Component, type MetricsEndpoint } from '@ck8s/core';
import { ApiObject } from 'cdk8s';
import type { Construct } from 'constructs';
import { MONITORING_NAMESPACE } from './monitoring-names.js';

export interface PlatformMonitorsProps {
  /** The metrics endpoints the cluster's components declare. */
  readonly targets: readonly MetricsEndpoint[];
}

/**
 * PodMonitors for the platform's components (`platform/platform-monitors.yaml`), one per declared
 * metrics endpoint: without them the platform's alerts would watch nothing. The charts' own
 * ServiceMonitors stay off, because those would be applied with the chart in the controllers
 * layer, before the Prometheus operator's CRDs exist; these come one layer later.
 */
export class PlatformMonitors extends Component {
  constructor(scope: Construct, id: string, props: PlatformMonitorsProps) {
    super(scope, id, { layer: 'platform' });
    for (const target of props.targets) {
      const { pods } = target;
      new ApiObject(this, target.name, {
        apiVersion: 'monitoring.coreos.com/v1',
        kind: 'PodMonitor',
        metadata: { name: target.name, namespace: MONITORING_NAMESPACE },
        spec: {
          namespaceSelector: { matchNames: [pods.namespace] },
          selector: {
            ...(pods.labels ? { matchLabels: { ...pods.labels } } : {}),
            ...(pods.expressions
              ? { matchExpressions: pods.expressions.map((e) => ({ ...e, ...(e.values ? { values: [...e.values] } : {}) })) }
              : {}),
          },
          // by number: the charts name their metrics ports differently
          podMetricsEndpoints: [
            {
              targetPort: target.port,
              path: target.path ?? '/metrics',
              // one job for a kind of target whose alerts are declared once (every PostgreSQL instance, say)
              ...(target.job ? { relabelings: [{ action: 'replace', targetLabel: 'job', replacement: target.job }] } : {}),
            },
          ],
        },
      });
    }
  }
}
