import { type ChartCatalog, Component, HelmChart, objectName, restrictedContainerSecurityContext, restrictedPodSecurityContext } from '@ck8s/core';
import { ApiObject } from 'cdk8s';
import type { Construct } from 'constructs';
import { AVAILABILITY_JOB, availabilityRuleGroups, ENDPOINT_LABEL } from './availability-slo.js';
import type { BlackboxExporterValues } from './blackbox-exporter-values.js';
import { BLACKBOX_RELEASE, MONITORING_NAMESPACE, MONITORING_PODS, MONITORING_SERVICES } from './monitoring-names.js';
import { PrometheusRule } from './prometheus-rule.js';

/** A platform endpoint whose availability is measured. */
export interface ProbedEndpoint {
  /** Short name, a DNS label: names the Probe and labels its series (`endpoint`). */
  readonly name: string;
  /** The https URL probed, as users reach it (through the ingress controller). Must answer 2xx without a login. */
  readonly url: string;
}

export interface AvailabilityProbesProps {
  readonly catalog: ChartCatalog;
  /** Availability objective of the endpoints in percent over 30 days. @default 99.95 */
  readonly objective?: number;
  /** The endpoints to probe. */
  readonly endpoints: readonly ProbedEndpoint[];
  /** URL of the runbook page, for the alerts' `runbook_url` (see runbooksUrl). @default no runbook links */
  readonly runbookUrl?: string;
  /** How often each endpoint is probed. @default '1m' */
  readonly interval?: string;
}

/** The blackbox exporter module every probe uses: an HTTPS GET that must answer 2xx over TLS. */
export const PROBE_MODULE = 'http_2xx';

/**
 * Availability of the platform's endpoints, in a service cluster (`platform/availability.yaml`, usually id
 * `availability`): the blackbox exporter in the monitoring namespace, one Probe per endpoint, and
 * rules that measure availability against the objective over 30 days and
 * alert on fast and slow error-budget burn (multi-window, multi-burn-rate).
 */
export class AvailabilityProbes extends Component {
  public readonly rule: PrometheusRule;

  constructor(scope: Construct, id: string, props: AvailabilityProbesProps) {
    super(scope, id, { layer: 'platform' });
    const namespace = MONITORING_NAMESPACE;
    const interval = props.interval ?? '1m';
    const names = new Set<string>();
    for (const e of props.endpoints) {
      objectName('endpoint', e.name);
      if (names.has(e.name)) throw new Error(`availability: endpoint "${e.name}" is listed twice`);
      names.add(e.name);
      if (!/^https:\/\/[^\s/]+(\/\S*)?$/.test(e.url))
        throw new Error(`availability: endpoint "${e.name}" has url "${e.url}", which is not an https URL`);
    }

    new HelmChart<BlackboxExporterValues>(this, 'chart', {
      catalog: props.catalog,
      chart: BLACKBOX_RELEASE,
      namespace,
      expects: { workloads: [`Deployment/${BLACKBOX_RELEASE}`] },
      values: {
        replicas: 1,
        podSecurityContext: restrictedPodSecurityContext(),
        securityContext: restrictedContainerSecurityContext({ runAsUser: 1000, runAsGroup: 1000 }),
        config: {
          modules: {
            [PROBE_MODULE]: {
              prober: 'http',
              timeout: '10s',
              http: { valid_http_versions: ['HTTP/1.1', 'HTTP/2.0'], follow_redirects: true, fail_if_not_ssl: true, preferred_ip_protocol: 'ip4' },
            },
          },
        },
        resources: { requests: { cpu: '20m', memory: '32Mi' }, limits: { memory: '128Mi' } },
      },
    });

    const prober = {
      url: `${MONITORING_SERVICES.blackboxExporter.name}.${namespace}.svc:${MONITORING_SERVICES.blackboxExporter.port}`,
      scheme: 'http',
      path: '/probe',
    };
    for (const e of props.endpoints) {
      new ApiObject(this, `probe-${e.name}`, {
        apiVersion: 'monitoring.coreos.com/v1',
        kind: 'Probe',
        metadata: { name: objectName('endpoint', e.name), namespace },
        spec: {
          jobName: AVAILABILITY_JOB,
          interval,
          module: PROBE_MODULE,
          prober,
          targets: { staticConfig: { static: [e.url], labels: { [ENDPOINT_LABEL]: e.name } } },
        },
      });
    }

    this.rule = new PrometheusRule(this, 'rule', {
      name: 'availability',
      namespace,
      groups: availabilityRuleGroups(props.objective ?? 99.95),
      ...(props.runbookUrl ? { runbookUrl: props.runbookUrl } : {}),
    });

    this.addFlow({
      from: MONITORING_PODS.prometheus,
      to: MONITORING_PODS.blackboxExporter,
      ports: [{ port: MONITORING_SERVICES.blackboxExporter.port }],
    });
    // endpoints are probed as users reach them: through the ingress controller (inside the cluster its
    // address leads to the controller pods) or any address outside, on 443 only
    this.addFlow({ from: MONITORING_PODS.blackboxExporter, to: { peer: 'platform-endpoints' }, name: 'allow-blackbox-exporter-to-endpoints' });
  }
}
