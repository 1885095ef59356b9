import { ApiObject } from 'cdk8s';
import type { Construct } from 'constructs';
import { gitopsEngineOf } from './argocd/common.js';
import { Component } from './component.js';
import type { TenantConfig } from './config/cluster-config-schema.js';
import {
  LABELS,
  oidcGroup,
  TENANT_HOSTS_ANNOTATION,
  TENANT_IMAGES_ANNOTATION,
  TENANT_MONITORING_ROLES,
  TENANT_READER_ROLE,
  TENANT_RECONCILER,
} from './naming.js';

export interface TenantProps {
  /** The tenant's entry of cluster.yaml, with defaults applied. */
  readonly tenant: TenantConfig;
  /** Pod Security Standards version, e.g. `v1.33`. @default 'latest' */
  readonly podSecurityVersion?: string;
  /**
   * Host patterns the tenant's Ingresses and routes may use (see tenantHosts), written on the
   * namespace for the ingress-hosts and route-hosts admission rules.
   * @default none: the tenant may use no host
   */
  readonly hosts?: readonly string[];
  /**
   * Exact image references the platform's operators start in the namespace for the tenant's data
   * services (see TENANT_IMAGES_ANNOTATION): admitted besides the allowed registries, nothing else of
   * their registries is.
   * @default none
   */
  readonly images?: readonly string[];
}

/**
 * A tenant: its namespace at the restricted Pod Security level with default-deny networking and
 * its allowed hosts, allow rules for the ingress controller and Prometheus on the declared ports
 * only, a ResourceQuota (CPU requests, memory requests and limits, storage, pods), RoleBindings
 * that give its OIDC groups `admin` and `view` in that namespace only (and the right to write, or
 * read, its own monitors, rules and alert routes there), and on a Flux cluster the ServiceAccount
 * its own Flux objects reconcile as (`flux-reconciler`, `admin` in the namespace; an Argo CD
 * cluster has no tenant Applications, so no such account). Written to
 * `tenants/<name>.yaml`, so a change to one tenant touches one file.
 */
export class Tenant extends Component {
  constructor(scope: Construct, props: TenantProps) {
    const { tenant } = props;
    super(scope, tenant.name, { layer: 'tenants', labels: { [LABELS.tenant]: tenant.name } });

    const annotations = {
      ...(props.hosts && props.hosts.length > 0 ? { [TENANT_HOSTS_ANNOTATION]: props.hosts.join(',') } : {}),
      ...(props.images && props.images.length > 0 ? { [TENANT_IMAGES_ANNOTATION]: [...props.images].sort().join(',') } : {}),
    };
    this.addNamespace({
      name: tenant.name,
      podSecurity: 'restricted',
      ...(props.podSecurityVersion ? { podSecurityVersion: props.podSecurityVersion } : {}),
      ...(Object.keys(annotations).length > 0 ? { annotations } : {}),
    });

    new ApiObject(this, 'quota', {
      apiVersion: 'v1',
      kind: 'ResourceQuota',
      metadata: { name: 'tenant-quota', namespace: tenant.name },
      spec: {
        // No limits.cpu: a quota on it makes the API server reject every container without a CPU
        // limit, while the platform's resource rule (and the README) ask for CPU and memory
        // requests and a memory limit only. CPU limits throttle a container even when the node is
        // idle; the CPU requests are what the quota caps and the scheduler reserves. Memory keeps
        // its limit, since memory cannot be reclaimed without killing a process.
        hard: {
          'requests.cpu': tenant.quota.cpu,
          'requests.memory': tenant.quota.memory,
          'limits.memory': tenant.quota.memory,
          'requests.storage': tenant.quota.storage,
          pods: tenant.quota.pods,
        },
      },
    });

    // the ingress controller and Prometheus reach the whole namespace, on the declared ports only
    const namespace = { name: tenant.name, namespace: tenant.name };
    if (tenant.ingressPorts.length > 0)
      this.addFlow({ from: { role: 'ingress-controller' }, to: namespace, ports: tenant.ingressPorts.map((port) => ({ port })) });
    if (tenant.metricsPorts.length > 0)
      this.addFlow({ from: { role: 'scraper' }, to: namespace, ports: tenant.metricsPorts.map((port) => ({ port })) });

    const engine = gitopsEngineOf(this);
    const reconciler = { kind: 'ServiceAccount', name: TENANT_RECONCILER, namespace: tenant.name };
    const bind = (id: string, name: string, role: string, groups: readonly string[], accounts: readonly (typeof reconciler)[] = []): void => {
      if (groups.length === 0 && accounts.length === 0) return;
      new ApiObject(this, id, {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: { name, namespace: tenant.name },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role },
        subjects: [
          ...[...groups].sort().map((group) => ({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: oidcGroup(group) })),
          ...accounts,
        ],
      });
    };
    bind('admins', 'tenant-admins', 'admin', tenant.adminGroups);
    bind('viewers', 'tenant-viewers', 'view', tenant.viewGroups);
    // its own ServiceMonitors, PodMonitors, PrometheusRules and AlertmanagerConfigs, in this namespace
    // only (the chart's roles aggregated into admin stay off: they would follow every admin binding)
    bind('monitoring-admins', 'tenant-monitoring-admins', TENANT_MONITORING_ROLES.edit, tenant.adminGroups, engine === 'flux' ? [reconciler] : []);
    bind('monitoring-viewers', 'tenant-monitoring-viewers', TENANT_MONITORING_ROLES.view, tenant.viewGroups);

    // self-service GitOps: the tenant's own Flux Kustomizations and HelmReleases name this account
    // and so apply with the tenant's rights in this namespace, nothing more. Flux impersonates it
    // (no token is mounted); an object that names no account runs as `default`, which has no rights.
    if (engine === 'flux') {
      new ApiObject(this, 'reconciler', {
        apiVersion: 'v1',
        kind: 'ServiceAccount',
        metadata: { name: TENANT_RECONCILER, namespace: tenant.name },
        automountServiceAccountToken: false,
      });
      new ApiObject(this, 'reconciler-binding', {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: { name: TENANT_RECONCILER, namespace: tenant.name },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'admin' },
        subjects: [{ kind: 'ServiceAccount', name: TENANT_RECONCILER, namespace: tenant.name }],
      });
    }

    // cluster-wide reads, bound here so that a change to this tenant's groups touches only its file
    const groups = [...new Set([...tenant.adminGroups, ...tenant.viewGroups])].sort();
    if (groups.length > 0) {
      new ApiObject(this, 'reader', {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRoleBinding',
        metadata: { name: `${TENANT_READER_ROLE}-${tenant.name}` },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: TENANT_READER_ROLE },
        subjects: groups.map((group) => ({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: oidcGroup(group) })),
      });
    }
  }
}
