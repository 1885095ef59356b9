import { ConfigError } from '@ck8s/core';
import { App } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { AdmissionPolicies, platformRules } from '../src/index.js';

const rules = platformRules({ allowedRegistries: ['registry.example.com'] });

function bindings(props: Omit<ConstructorParameters<typeof AdmissionPolicies>[2], 'rules'> = {}) {
  const policies = new AdmissionPolicies(new App(), 'admission-policies', { rules, ...props });
  return new Map<string, any>(
    policies
      .toJson()
      .filter((o: any) => o.kind === 'ValidatingAdmissionPolicyBinding')
      .map((o: any) => [o.metadata.name, o]),
  );
}

describe('AdmissionPolicies', () => {
  it('binds every rule, denying, without exceptions by default', () => {
    const all = bindings();
    expect([...all.keys()].sort()).toEqual(rules.map((r) => `ck8s-${r.id}`).sort());
    for (const b of all.values()) {
      expect(b.spec.validationActions, b.metadata.name).toEqual(['Deny']);
      expect(JSON.stringify(b.spec.matchResources), b.metadata.name).not.toContain('NotIn');
    }
  });

  it('applies the enforcement and exceptions it is given to their rule only', () => {
    const all = bindings({
      enforcement: { 'service-node-port': { action: 'warn', reason: 'migrating' } },
      exceptions: [{ namespace: 'team-a', rule: 'service-load-balancer', reason: 'tenant setting allowLoadBalancer: true' }],
    });
    expect(all.get('ck8s-service-node-port').spec.validationActions).toEqual(['Warn', 'Audit']);
    expect(all.get('ck8s-service-load-balancer').spec.validationActions).toEqual(['Deny']);
    expect(all.get('ck8s-service-load-balancer').spec.matchResources.namespaceSelector.matchExpressions).toContainEqual({
      key: 'kubernetes.io/metadata.name',
      operator: 'NotIn',
      values: ['team-a'],
    });
    expect(JSON.stringify(all.get('ck8s-service-node-port').spec.matchResources)).not.toContain('team-a');
  });

  it('refuses unknown rule ids, naming the file and field', () => {
    const build = () =>
      bindings({
        configFile: 'clusters/demo-wc/cluster.yaml',
        enforcement: { 'no-such-rule': { action: 'deny' } },
        exceptions: [{ namespace: 'team-a', rule: 'typo', reason: 'why' }],
      });
    expect(build).toThrow(ConfigError);
    try {
      build();
    } catch (e) {
      expect((e as ConfigError).problems.map((p) => `${p.file}: ${p.path}`)).toEqual([
        'clusters/demo-wc/cluster.yaml: policy.enforcement.no-such-rule',
        'clusters/demo-wc/cluster.yaml: policy.exceptions[0].rule',
      ]);
    }
  });
});
