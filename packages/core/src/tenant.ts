import { k8s } from 'cdk8s-plus-28';
import type { Construct } from 'constructs';
import { Component } from './component.js';
import type { TenantConfig } from './config/cluster-config-schema.js';
import { HardenedNamespace } from './hardened-namespace.js';
import { LABELS } from './naming.js';

export interface TenantProps {
  /** The tenant's entry of cluster.yaml, with defaults applied. */
  readonly tenant: TenantConfig;
  /** Pod Security Standards version, e.g. `v1.33`. @default 'latest' */
  readonly podSecurityVersion?: string;
}

/**
 * A tenant: its namespace at the restricted Pod Security level with default-deny networking,
 * a ResourceQuota, and RoleBindings that give its OIDC groups `admin` and `view` in that
 * namespace only. Written to `tenants/<name>.yaml`, so a change to one tenant touches one file.
 */
export class Tenant extends Component {
  constructor(scope: Construct, props: TenantProps) {
    const { tenant } = props;
    super(scope, tenant.name, { layer: 'tenants', labels: { [LABELS.tenant]: tenant.name } });

    new HardenedNamespace(this, 'namespace', {
      name: tenant.name,
      podSecurity: 'restricted',
      ...(props.podSecurityVersion ? { podSecurityVersion: props.podSecurityVersion } : {}),
    });

    new k8s.KubeResourceQuota(this, 'quota', {
      metadata: { name: 'tenant-quota', namespace: tenant.name },
      spec: {
        hard: {
          'requests.cpu': k8s.Quantity.fromString(tenant.quota.cpu),
          'limits.cpu': k8s.Quantity.fromString(tenant.quota.cpu),
          'requests.memory': k8s.Quantity.fromString(tenant.quota.memory),
          'limits.memory': k8s.Quantity.fromString(tenant.quota.memory),
          'requests.storage': k8s.Quantity.fromString(tenant.quota.storage),
          pods: k8s.Quantity.fromNumber(tenant.quota.pods),
        },
      },
    });

    const bind = (id: string, name: string, role: 'admin' | 'view', groups: readonly string[]): void => {
      if (groups.length === 0) return;
      new k8s.KubeRoleBinding(this, id, {
        metadata: { name, namespace: tenant.name },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role },
        subjects: [...groups].sort().map((group) => ({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: group })),
      });
    };
    bind('admins', 'tenant-admins', 'admin', tenant.adminGroups);
    bind('viewers', 'tenant-viewers', 'view', tenant.viewGroups);
  }
}
