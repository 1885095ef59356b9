import type { AdmissionRule } from './admission-rule.js';

/** Fields of a ServiceMonitor endpoint `e` that make Prometheus read a file of its own pod: its ServiceAccount token, keys, CAs. */
const READS_FILE =
  'has(e.bearerTokenFile) || (has(e.tlsConfig) && (has(e.tlsConfig.caFile) || has(e.tlsConfig.certFile) || has(e.tlsConfig.keyFile)))';

/**
 * A relabeling `r` that cannot choose the scrape address: `__address__` is where Prometheus scrapes,
 * so a tenant that writes it (directly, through a label name computed from capture groups, or by
 * `labelmap`, whose new names come from the matched names, e.g. of its pods' annotations) could
 * scrape another tenant's pod and read its series under its own namespace label. The action enum
 * of the operator's CRD spells labelmap two ways.
 */
const KEEPS_ADDRESS =
  "(!has(r.action) || !(r.action in ['labelmap', 'LabelMap'])) && (!has(r.targetLabel) || (r.targetLabel != '__address__' && !r.targetLabel.contains('$')))";

/** The rule that keeps the relabelings of one kind of tenant monitor (its endpoint list `endpoints`) to KEEPS_ADDRESS. */
function targetsRule(id: string, kinds: string, resource: string, endpoints: string): AdmissionRule {
  return {
    id,
    title: `tenant ${kinds} do not relabel their scrape address (__address__, computed target labels, labelmap)`,
    scope: 'tenants',
    match: [{ apiGroups: ['monitoring.coreos.com'], apiVersions: ['*'], resources: [resource], operations: ['CREATE', 'UPDATE'] }],
    variables: [],
    validations: [
      {
        expression: `!has(object.spec.${endpoints}) || object.spec.${endpoints}.all(e, !has(e.relabelings) || e.relabelings.all(r, ${KEEPS_ADDRESS}))`,
        message: `a tenant monitor may not choose its scrape address through relabelings (targetLabel __address__, a targetLabel computed with $, or action labelmap): Prometheus would scrape any pod under this namespace's label; select this namespace's own Services or pods, and copy labels with action replace (rule ${id})`,
      },
    ],
  };
}

/**
 * Rules that keep a tenant's ServiceMonitors and PodMonitors to its own namespace. Prometheus
 * enforces the namespace label on what they scrape, but a monitor still chooses where to look:
 * another namespace's Services or pods (their series would be labelled as the tenant's), or a
 * file of Prometheus's own pod (its ServiceAccount token, sent to the tenant's endpoint). Both
 * are served only where the Prometheus operator's CRDs are installed; elsewhere they match nothing.
 * Each expression names only fields of the kinds it matches, as the API server type-checks them
 * against each kind's schema.
 */
export function monitoringRules(): AdmissionRule[] {
  return [
    {
      id: 'tenant-monitors',
      title: 'tenant ServiceMonitors and PodMonitors select targets in their own namespace only',
      scope: 'tenants',
      match: [
        { apiGroups: ['monitoring.coreos.com'], apiVersions: ['*'], resources: ['servicemonitors', 'podmonitors'], operations: ['CREATE', 'UPDATE'] },
      ],
      variables: [],
      validations: [
        {
          expression: '!has(object.spec.namespaceSelector) || !has(object.spec.namespaceSelector.any) || !object.spec.namespaceSelector.any',
          message:
            'a tenant monitor may not select every namespace (namespaceSelector.any); leave namespaceSelector out to select its own (rule tenant-monitors)',
        },
        {
          expression:
            '!has(object.spec.namespaceSelector) || !has(object.spec.namespaceSelector.matchNames) || object.spec.namespaceSelector.matchNames.all(n, n == request.namespace)',
          message: 'a tenant monitor may select only its own namespace (namespaceSelector.matchNames) (rule tenant-monitors)',
          messageExpression:
            "'a tenant monitor may select only its own namespace ' + request.namespace + ' (rule tenant-monitors): namespaceSelector.matchNames names ' + object.spec.namespaceSelector.matchNames.filter(n, n != request.namespace).join(', ')",
        },
      ],
    },
    {
      id: 'monitor-files',
      title: "tenant ServiceMonitors read no file of Prometheus's pod (bearerTokenFile, tlsConfig caFile, certFile, keyFile)",
      scope: 'tenants',
      match: [{ apiGroups: ['monitoring.coreos.com'], apiVersions: ['*'], resources: ['servicemonitors'], operations: ['CREATE', 'UPDATE'] }],
      variables: [],
      validations: [
        {
          expression: `!has(object.spec.endpoints) || object.spec.endpoints.all(e, !(${READS_FILE}))`,
          message:
            "a tenant ServiceMonitor may not read files of Prometheus's pod (bearerTokenFile, tlsConfig.caFile, certFile, keyFile); reference Secrets of its namespace instead (rule monitor-files)",
        },
      ],
    },
    // one rule per kind: an expression names only fields of the kinds it matches
    targetsRule('monitor-targets', 'ServiceMonitors', 'servicemonitors', 'endpoints'),
    targetsRule('pod-monitor-targets', 'PodMonitors', 'podmonitors', 'podMetricsEndpoints'),
  ];
}
