import { type ContainerResources, restrictedContainerSecurityContext, restrictedPodSecurityContext } from '@ck8s/core';
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { MONITORING_NAMESPACE } from './monitoring-names.js';
import {
  type MetricsTenant,
  PROM_LABEL_PROXY_IMAGE,
  TENANT_PROXY_PORT,
  tenantProxyArgs,
  tenantProxyName,
  tenantSeriesValue,
} from './tenant-metrics.js';

/** Labels of every tenant's proxy pod: what the NetworkPolicies select. */
export const TENANT_PROXY_LABELS = { 'app.kubernetes.io/name': 'prom-label-proxy', 'app.kubernetes.io/part-of': 'tenant-metrics' } as const;

export interface TenantMetricsProxyProps {
  readonly tenant: MetricsTenant;
  /** Requests and memory limit of the proxy container. */
  readonly resources: ContainerResources;
}

/**
 * A tenant's prom-label-proxy in the service cluster's monitoring namespace: a Deployment and its
 * Service, in front of Prometheus, holding every request to the tenant's series
 * (`ck8s_tenant="<cluster>/<namespace>"`) whatever the query says. Grafana's organisation of the
 * tenant is its only client (the NetworkPolicies the metrics stack declares say so).
 */
export class TenantMetricsProxy extends Construct {
  constructor(scope: Construct, id: string, props: TenantMetricsProxyProps) {
    super(scope, id);
    const name = tenantProxyName(props.tenant);
    const labels = { ...TENANT_PROXY_LABELS, 'app.kubernetes.io/instance': name };
    const metadata = {
      name,
      namespace: MONITORING_NAMESPACE,
      labels,
      annotations: { 'ck8s.io/tenant-series': tenantSeriesValue(props.tenant.cluster, props.tenant.namespace) },
    };
    new ApiObject(this, 'deployment', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata,
      spec: {
        replicas: 1,
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: {
            // the proxy talks to Prometheus only, never to the API server
            automountServiceAccountToken: false,
            securityContext: restrictedPodSecurityContext({ runAsUser: 65534, runAsGroup: 65534 }),
            containers: [
              {
                name: 'prom-label-proxy',
                image: PROM_LABEL_PROXY_IMAGE,
                args: tenantProxyArgs(props.tenant),
                ports: [{ name: 'http', containerPort: TENANT_PROXY_PORT }],
                securityContext: restrictedContainerSecurityContext(),
                resources: props.resources,
              },
            ],
          },
        },
      },
    });
    new ApiObject(this, 'service', {
      apiVersion: 'v1',
      kind: 'Service',
      metadata,
      spec: { selector: labels, ports: [{ name: 'http', port: TENANT_PROXY_PORT, targetPort: 'http' }] },
    });
  }
}
