import type { Component, Pods } from '@ck8s/core';

/** Port of an operator's admission webhook, controller-runtime's default, which the charts keep. */
export const OPERATOR_WEBHOOK_PORT = 9443;
/** Port of an operator's metrics, controller-runtime's default, which the charts keep. */
export const OPERATOR_METRICS_PORT = 8080;

export interface OperatorFlowsProps {
  /** The operator's pods: they watch the API server. */
  readonly pods: Pods;
  /** Names the PodMonitor of the operator's metrics. */
  readonly metricsName: string;
  /** Pods that serve the admission webhook, when a separate Deployment does. @default pods */
  readonly webhookPods?: Pods;
  /** Pods that serve the metrics, when a separate Deployment does. @default pods */
  readonly metricsPods?: Pods;
}

/**
 * What every data-service operator needs, as flows of its component: its controller reaches the
 * API server, the API server calls its admission webhook, and Prometheus scrapes its metrics.
 */
export function addOperatorFlows(component: Component, props: OperatorFlowsProps): void {
  component.addFlow({ from: props.pods, to: { peer: 'api-server' } });
  component.addFlow({
    from: { peer: 'api-server' },
    to: props.webhookPods ?? props.pods,
    ports: [{ port: OPERATOR_WEBHOOK_PORT }],
    name: 'allow-webhooks-from-api-server',
  });
  component.addMetrics({ name: props.metricsName, pods: props.metricsPods ?? props.pods, port: OPERATOR_METRICS_PORT });
}
