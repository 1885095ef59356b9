/** A rule of an `audit.k8s.io/v1` Policy; the first matching rule decides the level. */
export interface AuditRule {
  readonly level: 'None' | 'Metadata' | 'Request' | 'RequestResponse';
  readonly users?: readonly string[];
  readonly userGroups?: readonly string[];
  readonly verbs?: readonly string[];
  readonly namespaces?: readonly string[];
  readonly resources?: readonly { readonly group: string; readonly resources?: readonly string[] }[];
  readonly nonResourceURLs?: readonly string[];
}

export interface AuditPolicy {
  readonly apiVersion: 'audit.k8s.io/v1';
  readonly kind: 'Policy';
  readonly omitStages: readonly string[];
  readonly rules: readonly AuditRule[];
}

const WRITES = ['create', 'update', 'patch', 'delete', 'deletecollection'];

/**
 * The API server audit policy. Order matters (first match wins): noisy system reads are
 * dropped first; Secrets, ConfigMaps and TokenReviews are recorded at Metadata only so their
 * contents never reach the log; exec, attach and port-forward are recorded; RBAC changes are
 * recorded with request and response; other writes with their request, all else at Metadata.
 */
export function auditPolicy(): AuditPolicy {
  return {
    apiVersion: 'audit.k8s.io/v1',
    kind: 'Policy',
    omitStages: ['RequestReceived'],
    rules: [
      {
        level: 'None',
        users: ['system:kube-proxy'],
        verbs: ['watch'],
        resources: [
          { group: '', resources: ['endpoints', 'services', 'services/status'] },
          { group: 'discovery.k8s.io', resources: ['endpointslices'] },
        ],
      },
      {
        level: 'None',
        userGroups: ['system:nodes'],
        verbs: ['get', 'list', 'watch'],
        resources: [{ group: '', resources: ['nodes', 'nodes/status'] }],
      },
      {
        level: 'None',
        users: ['system:kube-controller-manager', 'system:kube-scheduler', 'system:apiserver'],
        verbs: ['get', 'list', 'watch', 'update'],
        namespaces: ['kube-system'],
        resources: [
          { group: '', resources: ['endpoints', 'configmaps'] },
          { group: 'coordination.k8s.io', resources: ['leases'] },
        ],
      },
      { level: 'None', verbs: ['get', 'list', 'watch'], resources: [{ group: 'coordination.k8s.io', resources: ['leases'] }] },
      { level: 'None', nonResourceURLs: ['/healthz*', '/livez*', '/readyz*', '/version', '/metrics', '/openapi*', '/api', '/apis'] },
      {
        level: 'None',
        resources: [
          { group: '', resources: ['events'] },
          { group: 'events.k8s.io', resources: ['events'] },
        ],
      },
      {
        level: 'Metadata',
        resources: [
          { group: '', resources: ['secrets', 'configmaps', 'serviceaccounts/token'] },
          { group: 'authentication.k8s.io', resources: ['tokenreviews'] },
        ],
      },
      {
        level: 'Metadata',
        resources: [{ group: '', resources: ['pods/exec', 'pods/attach', 'pods/portforward', 'pods/proxy', 'services/proxy', 'nodes/proxy'] }],
      },
      { level: 'RequestResponse', verbs: WRITES, resources: [{ group: 'rbac.authorization.k8s.io' }] },
      { level: 'Request', verbs: WRITES },
      { level: 'Metadata' },
    ],
  };
}
