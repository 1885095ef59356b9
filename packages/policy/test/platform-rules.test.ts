import { Tenant } from '@ck8s/core';
import { App } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { evaluateManifests, evaluateRule, platformRules, POD_SECURITY_RULES } from '../src/index.js';
import { fixtureNamespace, PLATFORM_FIXTURES, readFixtures } from './fixtures.js';

const platform = platformRules({ allowedRegistries: ['registry.example.com'] });
const rules = [...POD_SECURITY_RULES, ...platform];
const fixtures = readFixtures(PLATFORM_FIXTURES);

function verdict(object: Record<string, unknown>, namespace = 'team-a') {
  return evaluateManifests(rules, [{ file: 'fixture.yaml', object }], {
    namespace,
    namespaces: new Map([[namespace, fixtureNamespace(namespace)]]),
  })[0]!;
}

describe('platform rule fixtures', () => {
  it('cover every platform rule but the one that needs an update (tested below)', () => {
    const covered = new Set(fixtures.map((f) => f.check));
    expect(platform.map((r) => r.id).filter((id) => !covered.has(id))).toEqual(['protect-default-deny']);
    for (const id of platform.map((r) => r.id).filter((i) => covered.has(i))) {
      expect(
        fixtures.some((f) => f.check === id && f.verdict === 'fail'),
        `a fail fixture for ${id}`,
      ).toBe(true);
    }
  });

  it.each(fixtures.map((f) => [f.name, f] as const))('%s', (_name, fixture) => {
    const result = verdict(fixture.object, fixture.namespace);
    const denied = [...new Set(result.violations.map((v) => v.policy.replace(/^ck8s-/, '')))].sort();
    expect(denied).toEqual(fixture.verdict === 'pass' ? [] : fixture.expect);
    for (const v of result.violations) expect(v.message).toContain(`(rule ${v.policy.replace(/^ck8s-/, '')})`);
  });

  it('names the offending containers and images', () => {
    const fixture = fixtures.find((f) => f.name === 'allowed-registries/fail-public-registry.yaml')!;
    expect(verdict(fixture.object).violations[0]!.message).toBe(
      'images must come from an allowed registry (rule allowed-registries): app uses docker.io/library/nginx:1.27.0',
    );
  });

  it("admits exactly the data service images written on the tenant's namespace, nothing else of their registry", () => {
    const fixture = fixtures.find((f) => f.name === 'resource-requirements/pass-requests-and-limits.yaml')!;
    const pod = (image: string) => {
      const object = structuredClone(fixture.object) as { spec: { template: { spec: { containers: { image: string }[] } } } };
      for (const c of object.spec.template.spec.containers) c.image = image;
      return object as unknown as Record<string, unknown>;
    };
    const pinned = 'ghcr.io/cloudnative-pg/postgresql:17.10-system-trixie';
    const namespace = new Tenant(new App(), {
      tenant: {
        name: 'team-a',
        adminGroups: [],
        viewGroups: [],
        quota: { cpu: '4', memory: '8Gi', storage: '50Gi', pods: 50 },
        ingressPorts: [],
        metricsPorts: [],
        allowLoadBalancer: false,
        allowNodePort: false,
        services: [],
      },
      images: [pinned],
    })
      .toJson()
      .find((o: { kind: string }) => o.kind === 'Namespace') as Record<string, unknown>;
    const decide = (image: string) =>
      evaluateManifests(rules, [{ file: 'x.yaml', object: pod(image) }], {
        namespace: 'team-a',
        namespaces: new Map([['team-a', namespace]]),
      })[0]!.violations.map((v) => v.policy);
    expect(decide(pinned)).toEqual([]);
    expect(decide('ghcr.io/cloudnative-pg/postgresql:16.14-system-trixie')).toEqual(['ck8s-allowed-registries']);
    expect(decide('ghcr.io/attacker/miner:1.0')).toEqual(['ck8s-allowed-registries']);
    // without the annotation the pinned image is refused like any other
    expect(verdict(pod(pinned)).violations.map((v) => v.policy)).toEqual(['ck8s-allowed-registries']);
  });

  it('skips a rule in a namespace with an exception', () => {
    const fixture = fixtures.find((f) => f.name === 'image-tag/fail-latest.yaml')!;
    const [result] = evaluateManifests(rules, [{ file: 'x.yaml', object: fixture.object }], {
      namespace: 'team-b',
      exceptions: [{ namespace: 'team-b', rule: 'image-tag' }],
    });
    expect(result!.allowed).toBe(true);
  });

  it('admits no image when no registry is allowed', () => {
    const none = platformRules({ allowedRegistries: [] });
    const fixture = fixtures.find((f) => f.name === 'resource-requirements/pass-requests-and-limits.yaml')!;
    const [result] = evaluateManifests(none, [{ file: 'x.yaml', object: fixture.object }], { namespace: 'team-a' });
    expect(result!.violations.map((v) => v.policy)).toEqual(['ck8s-allowed-registries']);
  });
});

describe('protect-default-deny', () => {
  const rule = platform.find((r) => r.id === 'protect-default-deny')!;
  const deny = {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: 'default-deny', namespace: 'team-a' },
    spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
  };
  const weakened = { ...deny, spec: { podSelector: {}, policyTypes: ['Ingress'] } };
  const tenant = { username: 'alice', groups: ['oidc:team-a-admins'] };

  it('denies a tenant deleting or weakening the default deny', () => {
    expect(evaluateRule(rule, { operation: 'DELETE', oldObject: deny, namespace: 'team-a', userInfo: tenant }).violations).toHaveLength(1);
    expect(
      evaluateRule(rule, { operation: 'UPDATE', object: weakened, oldObject: deny, namespace: 'team-a', userInfo: tenant }).violations[0]!.message,
    ).toContain('rule protect-default-deny');
  });

  it('admits an unchanged update, other policies, and the platform itself', () => {
    expect(evaluateRule(rule, { operation: 'UPDATE', object: deny, oldObject: deny, namespace: 'team-a', userInfo: tenant }).violations).toEqual([]);
    const other = { ...deny, metadata: { name: 'allow-frontend', namespace: 'team-a' } };
    expect(evaluateRule(rule, { operation: 'DELETE', oldObject: other, namespace: 'team-a', userInfo: tenant }).violations).toEqual([]);
    const flux = { username: 'system:serviceaccount:flux-system:kustomize-controller', groups: ['system:serviceaccounts'] };
    const result = evaluateRule(rule, { operation: 'DELETE', oldObject: deny, namespace: 'team-a', userInfo: flux });
    expect(result.violations).toEqual([]);
    expect(result.applies).toBe(false);
  });

  it("exempts exactly Flux's platform applier and the namespace controller, not every account of flux-system", () => {
    const as = (username: string) =>
      evaluateRule(rule, { operation: 'DELETE', oldObject: deny, namespace: 'team-a', userInfo: { username, groups: ['system:serviceaccounts'] } })
        .violations;
    expect(as('system:serviceaccount:kube-system:namespace-controller')).toEqual([]);
    // what a tenant's own Flux objects run as, and Flux accounts that never apply the platform's objects
    for (const username of [
      'system:serviceaccount:team-a:flux-reconciler',
      'system:serviceaccount:team-a:default',
      'system:serviceaccount:team-a:kustomize-controller',
      'system:serviceaccount:flux-system:helm-controller',
      'system:serviceaccount:flux-system:source-controller',
      'system:serviceaccount:flux-system:default',
      'system:serviceaccount:flux-system:kustomize-controller-2',
    ]) {
      expect(as(username), username).toHaveLength(1);
    }
  });
});

describe('network-policy-peers', () => {
  const rule = platform.find((r) => r.id === 'network-policy-peers')!;
  const open = {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: 'from-ingress', namespace: 'team-a' },
    spec: { podSelector: {}, ingress: [{ from: [{ namespaceSelector: {} }] }] },
  };

  it("lets only Flux's platform applier name other namespaces, which the platform's own allow rules do", () => {
    const as = (username: string) =>
      evaluateRule(rule, { operation: 'CREATE', object: open, namespace: 'team-a', userInfo: { username, groups: ['system:serviceaccounts'] } })
        .violations;
    expect(as('system:serviceaccount:flux-system:kustomize-controller')).toEqual([]);
    expect(as('system:serviceaccount:flux-system:helm-controller')).toHaveLength(1);
    expect(as('system:serviceaccount:team-a:flux-reconciler')).toHaveLength(1);
  });
});

describe('protect-platform-objects', () => {
  const rule = platform.find((r) => r.id === 'protect-platform-objects')!;
  const tenant = { username: 'oidc:alice@example.com', groups: ['oidc:team-a-admins', 'system:authenticated'] };
  const generated = {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: {
      name: 'tenant-admins',
      namespace: 'team-a',
      labels: {
        'app.kubernetes.io/managed-by': 'ck8s',
        'platform.ck8s.io/component': 'team-a',
        'kustomize.toolkit.fluxcd.io/name': 'tenants',
        'kustomize.toolkit.fluxcd.io/namespace': 'flux-system',
      },
    },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'admin' },
    subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'oidc:team-a-admins' }],
  };
  const update = (object: object, oldObject: object = generated, userInfo = tenant) =>
    evaluateRule(rule, { operation: 'UPDATE', object, oldObject, namespace: 'team-a', userInfo });

  it("denies a tenant taking a generated object out of Flux's control, changing or deleting it", () => {
    const disabled = { ...generated, metadata: { ...generated.metadata, annotations: { 'kustomize.toolkit.fluxcd.io/reconcile': 'disabled' } } };
    expect(update(disabled).violations.map((v) => v.message)).toEqual([
      'rolebindings team-a/tenant-admins is managed by the platform: tenants cannot change, relabel, annotate or delete it; change it through cluster.yaml (rule protect-platform-objects)',
    ]);
    const relabelled = { ...generated, metadata: { ...generated.metadata, labels: {} } };
    expect(update(relabelled).violations).toHaveLength(1);
    expect(
      update({
        ...generated,
        subjects: [...generated.subjects, { apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'oidc:mallory@example.com' }],
      }).violations,
    ).toHaveLength(1);
    expect(evaluateRule(rule, { operation: 'DELETE', oldObject: generated, namespace: 'team-a', userInfo: tenant }).violations).toHaveLength(1);
  });

  it('protects objects Flux applied for the platform that carry no generated label (the sops Secrets)', () => {
    const secret = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: {
        name: 'app-database',
        namespace: 'team-a',
        labels: { 'kustomize.toolkit.fluxcd.io/name': 'tenants', 'kustomize.toolkit.fluxcd.io/namespace': 'flux-system' },
      },
      data: { password: 'aGVsbG8=' },
    };
    expect(evaluateRule(rule, { operation: 'DELETE', oldObject: secret, namespace: 'team-a', userInfo: tenant }).violations).toHaveLength(1);
  });

  it("denies marking a tenant's own object as the platform's, and admits its own labels", () => {
    const own = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'app', namespace: 'team-a', labels: { app: 'web' } }, data: {} };
    const forged = { ...own, metadata: { ...own.metadata, labels: { 'app.kubernetes.io/managed-by': 'ck8s' } } };
    expect(update(forged, own).violations.map((v) => v.message)[0]).toContain(
      "mark the platform's objects; tenants cannot set them (rule protect-platform-objects)",
    );
    expect(
      update({ ...own, metadata: { ...own.metadata, annotations: { 'kustomize.toolkit.fluxcd.io/reconcile': 'disabled' } } }, own).violations,
    ).toEqual([]);
    expect(evaluateRule(rule, { operation: 'DELETE', oldObject: own, namespace: 'team-a', userInfo: tenant }).violations).toEqual([]);
  });

  it('lets the platform itself apply and prune its objects', () => {
    const flux = { username: 'system:serviceaccount:flux-system:kustomize-controller', groups: ['system:serviceaccounts'] };
    const result = update({ ...generated, subjects: [] }, generated, flux);
    expect(result.applies).toBe(false);
    expect(
      evaluateRule(rule, {
        operation: 'DELETE',
        oldObject: generated,
        namespace: 'team-a',
        userInfo: { username: 'system:serviceaccount:kube-system:namespace-controller' },
      }).applies,
    ).toBe(false);
  });

  it('leaves cluster-scoped objects and namespaces alone, which a namespace selector cannot skip', () => {
    const role = {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: 'ck8s-tenant-reader', labels: { 'app.kubernetes.io/managed-by': 'ck8s' } },
      rules: [],
    };
    expect(evaluateRule(rule, { operation: 'UPDATE', object: role, oldObject: role, userInfo: tenant }).applies).toBe(false);
    const namespace = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a', labels: { 'app.kubernetes.io/managed-by': 'ck8s' } } };
    expect(evaluateRule(rule, { operation: 'UPDATE', object: namespace, oldObject: namespace, namespace: 'team-a', userInfo: tenant }).applies).toBe(
      false,
    );
  });
});

describe('binding-subjects', () => {
  const rule = platform.find((r) => r.id === 'binding-subjects')!;
  const binding = (subjects: object[]) => ({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name: 'b', namespace: 'team-a' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'admin' },
    subjects,
  });

  it("admits the namespace's own service accounts, by subject or by user name", () => {
    const own = binding([
      { kind: 'ServiceAccount', name: 'deployer', namespace: 'team-a' },
      { apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'system:serviceaccount:team-a:deployer' },
    ]);
    expect(evaluateRule(rule, { object: own, namespace: 'team-a' }).violations).toEqual([]);
  });

  it('names every forbidden subject', () => {
    const bad = binding([
      { apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'system:authenticated' },
      { apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'oidc:team-a-admins' },
      { kind: 'ServiceAccount', name: 'default', namespace: 'team-b' },
      // a longer namespace with the same prefix is another namespace
      { apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'system:serviceaccount:team-ab:default' },
    ]);
    expect(evaluateRule(rule, { object: bad, namespace: 'team-a' }).violations.map((v) => v.message)).toEqual([
      "RoleBindings in tenant namespaces may bind identity-provider groups and users and this namespace's service accounts only (rule binding-subjects): Group system:authenticated, ServiceAccount team-b/default, User system:serviceaccount:team-ab:default",
    ]);
  });

  it('applies to updates too', () => {
    const ok = binding([{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'oidc:team-a-admins' }]);
    const widened = binding([{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'system:unauthenticated' }]);
    expect(evaluateRule(rule, { operation: 'UPDATE', object: widened, oldObject: ok, namespace: 'team-a' }).violations).toHaveLength(1);
  });
});

describe('ingress-hosts and route-hosts', () => {
  const ingress = (hosts: string[]) => ({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name: 'web' },
    spec: {
      rules: hosts.map((host) => ({
        host,
        http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } }] },
      })),
    },
  });

  it('names the hosts outside the allowed ones, and the allowed ones', () => {
    expect(verdict(ingress(['web.team.example.com', 'grafana.demo-sc.example.com'])).violations.map((v) => v.message)).toEqual([
      "Ingress hosts must be among the namespace's allowed hosts (rule ingress-hosts): grafana.demo-sc.example.com; allowed: team.example.com, *.team.example.com",
    ]);
  });

  it('allows no host in a namespace that has no allowed hosts', () => {
    const [result] = evaluateManifests(rules, [{ file: 'x.yaml', object: ingress(['web.team.example.com']) }], { namespace: 'team-z' });
    expect(result!.violations.map((v) => v.message)).toEqual([
      "Ingress hosts must be among the namespace's allowed hosts (rule ingress-hosts): web.team.example.com; allowed: none",
    ]);
  });

  it('reads the allowed hosts from a Namespace among the evaluated documents', () => {
    const namespace = fixtureNamespace('team-c');
    const [, result] = evaluateManifests(rules, [
      { file: 'ns.yaml', object: namespace },
      { file: 'x.yaml', object: { ...ingress(['web.team.example.com']), metadata: { name: 'web', namespace: 'team-c' } } },
    ]);
    expect(result!.violations).toEqual([]);
  });

  it('keeps an empty list of a custom resource, which the API server stores as sent', () => {
    const route = { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name: 'r' }, spec: { hostnames: [], rules: [] } };
    expect(verdict(route).violations.map((v) => v.message)).toEqual([
      'a tenant route must list its hostnames: without them it takes every host of the Gateway listeners it attaches to (rule route-hosts)',
    ]);
  });
});

describe('the tenant quota and the resource rule', () => {
  it('ask the same of a container: a workload that meets the rule is within what the quota requires', () => {
    const chart = new Tenant(new App(), {
      tenant: {
        name: 'team-a',
        adminGroups: [],
        viewGroups: [],
        quota: { cpu: '4', memory: '8Gi', storage: '50Gi', pods: 50 },
        ingressPorts: [],
        metricsPorts: [],
        allowLoadBalancer: false,
        allowNodePort: false,
        services: [],
      },
    });
    const quota = chart.toJson().find((o: { kind: string }) => o.kind === 'ResourceQuota') as { spec: { hard: Record<string, unknown> } };
    // a quota on requests.X or limits.X makes the API server reject containers that do not set it
    const required = Object.keys(quota.spec.hard)
      .filter((k) => /^(requests|limits)\.(cpu|memory)$/.test(k))
      .sort();
    const fixture = fixtures.find((f) => f.name === 'resource-requirements/pass-requests-and-limits.yaml')!;
    const container = (fixture.object as any).spec.template.spec.containers[0].resources as Record<string, Record<string, string>>;
    const declared = Object.entries(container)
      .flatMap(([kind, values]) => Object.keys(values).map((r) => `${kind}.${r}`))
      .sort();
    expect(verdict(fixture.object).violations).toEqual([]);
    expect(required).toEqual(declared);
  });
});

describe('tenant-monitors and monitor-files', () => {
  const monitor = (namespaceSelector: object) => ({
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'ServiceMonitor',
    metadata: { name: 'web' },
    spec: { namespaceSelector, selector: {}, endpoints: [{ port: 'metrics' }] },
  });

  it('names the other namespaces a monitor selects, and admits its own by name', () => {
    expect(verdict(monitor({ matchNames: ['team-a', 'team-b', 'monitoring'] })).violations.map((v) => v.message)).toEqual([
      'a tenant monitor may select only its own namespace team-a (rule tenant-monitors): namespaceSelector.matchNames names team-b, monitoring',
    ]);
    expect(verdict(monitor({ matchNames: ['team-a'] })).violations).toEqual([]);
    expect(verdict(monitor({ any: false })).violations).toEqual([]);
  });

  it('judges the same monitor by the namespace it is created in', () => {
    const other = monitor({ matchNames: ['team-a'] });
    expect(verdict(other, 'team-b').violations.map((v) => v.policy)).toEqual(['ck8s-tenant-monitors']);
  });
});

describe('platform rules of a cluster Argo CD syncs', () => {
  const argocd = platformRules({ allowedRegistries: ['registry.example.com'], engine: 'argocd' });
  const rule = argocd.find((r) => r.id === 'protect-platform-objects')!;
  const controller = { username: 'system:serviceaccount:argocd:argocd-application-controller', groups: ['system:serviceaccounts'] };
  const flux = { username: 'system:serviceaccount:flux-system:kustomize-controller', groups: ['system:serviceaccounts'] };
  const tenant = { username: 'oidc:alice@example.com', groups: ['oidc:team-a-admins', 'system:authenticated'] };
  // a sops Secret as Argo CD applies it: no generated label, only its tracking annotation
  const secret = {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'app-database', namespace: 'team-a', annotations: { 'argocd.argoproj.io/tracking-id': 'tenants:/Secret:team-a/app-database' } },
    data: { password: 'aGVsbG8=' },
  };
  const remove = (userInfo: { username: string; groups: string[] }) =>
    evaluateRule(rule, { operation: 'DELETE', oldObject: secret, namespace: 'team-a', userInfo });

  it("lets Argo CD's application-controller apply and prune the platform's objects, and not Flux's applier", () => {
    expect(remove(controller).applies).toBe(false);
    expect(remove(flux).violations).toHaveLength(1);
    for (const r of argocd.filter((r) => r.matchConditions?.some((c) => c.name === 'not-platform'))) {
      expect(r.matchConditions!.find((c) => c.name === 'not-platform')!.expression, r.id).toContain(controller.username);
      expect(r.matchConditions!.find((c) => c.name === 'not-platform')!.expression, r.id).not.toContain('flux-system');
    }
  });

  it('protects what Argo CD applied by its tracking annotation, and keeps tenants from setting it', () => {
    expect(remove(tenant).violations).toHaveLength(1);
    const own = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'app', namespace: 'team-a' }, data: {} };
    const forged = { ...own, metadata: { ...own.metadata, annotations: { 'argocd.argoproj.io/tracking-id': 'tenants:/ConfigMap:team-a/app' } } };
    expect(evaluateRule(rule, { operation: 'CREATE', object: forged, namespace: 'team-a', userInfo: tenant }).violations[0]!.message).toBe(
      "the labels and annotations platform.ck8s.io/*, app.kubernetes.io/managed-by=ck8s and argocd.argoproj.io/tracking-id mark the platform's objects; tenants cannot set them (rule protect-platform-objects)",
    );
  });
});
