import { Tenant, type TenantConfig } from '@ck8s/core';
import { App } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { ClusterAccess } from '../src/index.js';

interface Rule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
}
interface Subject {
  kind: string;
  name: string;
  namespace?: string;
}
interface K8sObject {
  kind: string;
  metadata: { name: string; namespace?: string };
  rules?: Rule[];
  roleRef?: { kind: string; name: string };
  subjects?: Subject[];
}

const tenant = (name: string, viewGroups: string[] = []): TenantConfig => ({
  name,
  adminGroups: [`${name}-admins`],
  viewGroups,
  quota: { cpu: '4', memory: '8Gi', storage: '50Gi', pods: 50 },
  ingressPorts: [],
  metricsPorts: [],
  allowLoadBalancer: false,
  allowNodePort: false,
  services: [],
});

/** The RBAC objects of a cluster with two tenants, as the platform generates them. */
function objects(): K8sObject[] {
  const app = new App();
  new ClusterAccess(app, 'cluster-access', { operatorGroups: ['platform-operators'] });
  new Tenant(app, { tenant: tenant('team-a', ['team-a-developers']) });
  new Tenant(app, { tenant: tenant('team-b') });
  return app.charts.flatMap((c) => c.toJson() as K8sObject[]);
}

/**
 * What RBAC's authorizer answers for a request of `user` (an OIDC group or a ServiceAccount): allowed
 * when a RoleBinding in the namespace, or a ClusterRoleBinding, gives it a ClusterRole with a rule
 * for the group, resource and verb (the `admin` and `view` roles are Kubernetes' own and grant nothing
 * of monitoring.coreos.com while the chart's aggregation stays off).
 */
function can(all: K8sObject[], user: Subject, verb: string, resource: string, namespace: string): boolean {
  const roles = new Map(all.filter((o) => o.kind === 'ClusterRole').map((o) => [o.metadata.name, o.rules ?? []]));
  const binds = (b: K8sObject) =>
    (b.subjects ?? []).some((s) => s.kind === user.kind && s.name === user.name && (s.kind !== 'ServiceAccount' || s.namespace === user.namespace));
  const bindings = all.filter((o) => (o.kind === 'RoleBinding' && o.metadata.namespace === namespace) || o.kind === 'ClusterRoleBinding');
  return bindings
    .filter(binds)
    .flatMap((b) => roles.get(b.roleRef!.name) ?? [])
    .some((r) => r.apiGroups.includes('monitoring.coreos.com') && r.resources.includes(resource) && r.verbs.includes(verb));
}

describe("tenants' monitoring objects, with two tenants", () => {
  const all = objects();
  const group = (name: string): Subject => ({ kind: 'Group', name: `oidc:${name}` });
  const kinds = ['servicemonitors', 'podmonitors', 'prometheusrules', 'alertmanagerconfigs'];

  it("lets each tenant's admins and reconciler write monitors, rules and alert routes in its own namespace only", () => {
    for (const [own, other] of [
      ['team-a', 'team-b'],
      ['team-b', 'team-a'],
    ] as const) {
      const subjects = [group(`${own}-admins`), { kind: 'ServiceAccount', name: 'flux-reconciler', namespace: own }];
      for (const subject of subjects) {
        for (const kind of kinds) {
          expect(can(all, subject, 'create', kind, own), `${subject.name} create ${kind} in ${own}`).toBe(true);
          expect(can(all, subject, 'create', kind, other), `${subject.name} create ${kind} in ${other}`).toBe(false);
          expect(can(all, subject, 'list', kind, other), `${subject.name} list ${kind} in ${other}`).toBe(false);
          expect(can(all, subject, 'create', kind, 'monitoring'), `${subject.name} create ${kind} in monitoring`).toBe(false);
        }
      }
    }
  });

  it("lets a tenant's view groups read them in its namespace, and write nothing", () => {
    const viewer = group('team-a-developers');
    for (const kind of kinds) {
      expect(can(all, viewer, 'list', kind, 'team-a')).toBe(true);
      expect(can(all, viewer, 'create', kind, 'team-a')).toBe(false);
      expect(can(all, viewer, 'list', kind, 'team-b')).toBe(false);
    }
  });

  it('binds the monitoring roles in tenant namespaces only, never cluster-wide, and gives no other kind of the operator', () => {
    const monitoringRoles = ['ck8s-tenant-monitoring-edit', 'ck8s-tenant-monitoring-view'];
    expect(all.filter((o) => o.kind === 'ClusterRoleBinding' && monitoringRoles.includes(o.roleRef!.name))).toEqual([]);
    expect(
      all
        .filter((o) => o.kind === 'RoleBinding' && monitoringRoles.includes(o.roleRef!.name))
        .map((o) => `${o.metadata.namespace}/${o.metadata.name}`)
        .sort(),
    ).toEqual(['team-a/tenant-monitoring-admins', 'team-a/tenant-monitoring-viewers', 'team-b/tenant-monitoring-admins']);
    for (const kind of ['prometheuses', 'alertmanagers', 'probes', 'scrapeconfigs', 'prometheusagents', 'thanosrulers']) {
      expect(can(all, group('team-a-admins'), 'create', kind, 'team-a'), kind).toBe(false);
    }
  });
});
