import { describe, expect, it } from 'vitest';
import { evaluateManifests, evaluateRule, platformRules, POD_SECURITY_RULES } from '../src/index.js';
import { PLATFORM_FIXTURES, readFixtures } from './fixtures.js';

const platform = platformRules({ allowedRegistries: ['registry.example.com'] });
const rules = [...POD_SECURITY_RULES, ...platform];
const fixtures = readFixtures(PLATFORM_FIXTURES);

function verdict(object: Record<string, unknown>, namespace = 'team-a') {
  return evaluateManifests(rules, [{ file: 'fixture.yaml', object }], { namespace })[0]!;
}

describe('platform rule fixtures', () => {
  it('cover every platform rule but the one that needs an update (tested below)', () => {
    const covered = new Set(fixtures.map((f) => f.check));
    expect(platform.map((r) => r.id).filter((id) => !covered.has(id))).toEqual(['protect-default-deny']);
  });

  it.each(fixtures.map((f) => [f.name, f] as const))('%s', (_name, fixture) => {
    const result = verdict(fixture.object, fixture.namespace);
    const denied = [...new Set(result.violations.map((v) => v.policy.replace(/^ck8s-/, '')))].sort();
    expect(denied).toEqual(fixture.verdict === 'pass' ? [] : fixture.expect);
    for (const v of result.violations) expect(v.message).toContain(`(rule ${v.policy.replace(/^ck8s-/, '')})`);
  });

  it('names the offending containers and images', () => {
    const fixture = fixtures.find((f) => f.name === 'allowed-registries/fail-public-registry.yaml')!;
    expect(verdict(fixture.object).violations[0]!.message).toBe('images must come from an allowed registry (rule allowed-registries): app uses docker.io/library/nginx:1.27.0');
  });

  it('skips a rule in a namespace with an exception', () => {
    const fixture = fixtures.find((f) => f.name === 'image-tag/fail-latest.yaml')!;
    const [result] = evaluateManifests(rules, [{ file: 'x.yaml', object: fixture.object }], { namespace: 'team-b', exceptions: [{ namespace: 'team-b', rule: 'image-tag' }] });
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
  const deny = { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'default-deny', namespace: 'team-a' }, spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] } };
  const weakened = { ...deny, spec: { podSelector: {}, policyTypes: ['Ingress'] } };
  const tenant = { username: 'alice', groups: ['oidc:team-a-admins'] };

  it('denies a tenant deleting or weakening the default deny', () => {
    expect(evaluateRule(rule, { operation: 'DELETE', oldObject: deny, namespace: 'team-a', userInfo: tenant }).violations).toHaveLength(1);
    expect(evaluateRule(rule, { operation: 'UPDATE', object: weakened, oldObject: deny, namespace: 'team-a', userInfo: tenant }).violations[0]!.message).toContain('rule protect-default-deny');
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
    const as = (username: string) => evaluateRule(rule, { operation: 'DELETE', oldObject: deny, namespace: 'team-a', userInfo: { username, groups: ['system:serviceaccounts'] } }).violations;
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
  const open = { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'from-ingress', namespace: 'team-a' }, spec: { podSelector: {}, ingress: [{ from: [{ namespaceSelector: {} }] }] } };

  it("lets only Flux's platform applier name other namespaces, which the platform's own allow rules do", () => {
    const as = (username: string) => evaluateRule(rule, { operation: 'CREATE', object: open, namespace: 'team-a', userInfo: { username, groups: ['system:serviceaccounts'] } }).violations;
    expect(as('system:serviceaccount:flux-system:kustomize-controller')).toEqual([]);
    expect(as('system:serviceaccount:flux-system:helm-controller')).toHaveLength(1);
    expect(as('system:serviceaccount:team-a:flux-reconciler')).toHaveLength(1);
  });
});
