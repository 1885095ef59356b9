import { Component, oidcGroup, TENANT_MONITORING_RESOURCES, TENANT_MONITORING_ROLES, TENANT_READER_ROLE } from '@ck8s/core';
import { ApiObject } from 'cdk8s';
import type { Construct } from 'constructs';

export interface ClusterAccessProps {
  /** Identity-provider groups of the platform operators: they get cluster-admin. @default none */
  readonly operatorGroups?: readonly string[];
}

const READ = ['get', 'list', 'watch'];
const WRITE = [...READ, 'create', 'update', 'patch', 'delete', 'deletecollection'];

/**
 * Cluster-wide access (`platform/cluster-access.yaml`): the read-only ClusterRole every tenant
 * is bound to (each tenant binds it in its own file), the roles for the tenants' monitoring objects
 * (bound in each tenant's namespace only), and cluster-admin for the platform operators' groups
 * only. Tenants get nothing else outside their namespace.
 */
export class ClusterAccess extends Component {
  constructor(scope: Construct, id: string, props: ClusterAccessProps = {}) {
    super(scope, id, { layer: 'platform' });

    new ApiObject(this, 'tenant-reader', {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: TENANT_READER_ROLE },
      rules: [
        { apiGroups: [''], resources: ['namespaces', 'nodes'], verbs: READ },
        { apiGroups: ['storage.k8s.io'], resources: ['storageclasses'], verbs: READ },
        { apiGroups: ['networking.k8s.io'], resources: ['ingressclasses'], verbs: READ },
        { apiGroups: ['scheduling.k8s.io'], resources: ['priorityclasses'], verbs: READ },
        { apiGroups: ['node.k8s.io'], resources: ['runtimeclasses'], verbs: READ },
        { apiGroups: ['admissionregistration.k8s.io'], resources: ['validatingadmissionpolicies', 'validatingadmissionpolicybindings'], verbs: READ },
      ],
    });

    // tenants' own monitors, rules and alert routes: bound per tenant namespace only (tenants/<name>.yaml);
    // the admission rule tenant-monitors and the Prometheus's enforced namespace label keep them to it
    for (const [verbs, name] of [
      [WRITE, TENANT_MONITORING_ROLES.edit],
      [READ, TENANT_MONITORING_ROLES.view],
    ] as const) {
      new ApiObject(this, name, {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRole',
        metadata: { name },
        rules: [{ apiGroups: ['monitoring.coreos.com'], resources: [...TENANT_MONITORING_RESOURCES], verbs: [...verbs] }],
      });
    }

    const operators = [...(props.operatorGroups ?? [])].sort();
    if (operators.length > 0) {
      new ApiObject(this, 'operators', {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRoleBinding',
        metadata: { name: 'ck8s-platform-operators' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
        subjects: operators.map((group) => ({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: oidcGroup(group) })),
      });
    }
  }
}
