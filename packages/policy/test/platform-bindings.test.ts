import { App } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { AdmissionPolicies, BoundPolicies, platformRules, POD_SECURITY_RULES, selectorMatches } from '../src/index.js';

const rules = [...POD_SECURITY_RULES, ...platformRules({ allowedRegistries: ['registry.example.com'] })];
const sized = { requests: { cpu: '10m', memory: '32Mi' }, limits: { memory: '64Mi' } };

function deployment(namespace: string, containers: Record<string, unknown>[]) {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'app', namespace },
    spec: { selector: { matchLabels: { app: 'a' } }, template: { metadata: { labels: { app: 'a' } }, spec: { containers } } },
  };
}

/** The generated policies of a cluster whose platform owns `tools` (quay.io) and `agents` (docker.io), plus its Namespaces. */
function generated(exceptions: ConstructorParameters<typeof AdmissionPolicies>[2]['exceptions'] = [], platformExceptions: any[] = []) {
  const policies = new AdmissionPolicies(new App(), 'admission-policies', { rules, exceptions });
  policies.holdPlatform({
    namespaces: ['agents', 'tools'],
    registries: new Map([
      ['agents', ['docker.io']],
      ['tools', ['quay.io']],
    ]),
    exceptions: platformExceptions,
  });
  const namespace = (name: string, labels: Record<string, string> = {}) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } });
  return [...policies.toJson(), namespace('agents'), namespace('tools'), namespace('team-a', { 'platform.ck8s.io/tenant': 'team-a' })];
}

describe("the platform's namespaces under its own rules", () => {
  it('binds resource requests, image tags and per-namespace registries to the platform namespaces by name, and leaves Pod Security to the labels', () => {
    const bindings = generated().filter((o: any) => o.kind === 'ValidatingAdmissionPolicyBinding');
    const platform = bindings.filter((b: any) => b.metadata.name.endsWith('-platform')).map((b: any) => b.metadata.name);
    expect(platform).toEqual(['ck8s-resource-requirements-platform', 'ck8s-image-tag-platform', 'ck8s-platform-registries-platform']);
    for (const b of bindings.filter((b: any) => b.metadata.name.endsWith('-platform')))
      expect(b.spec).toMatchObject({
        validationActions: ['Deny'],
        matchResources: {
          namespaceSelector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: ['agents', 'tools'] }] },
        },
      });
    // no tenant binding for the platform's registry rule, no platform binding for Pod Security
    expect(bindings.map((b: any) => b.metadata.name)).not.toContain('ck8s-platform-registries');
    expect(bindings.map((b: any) => b.metadata.name).filter((n: string) => n.startsWith('ck8s-pss-') && n.endsWith('-platform'))).toEqual([]);
  });

  it('denies in a platform namespace what its generated bindings deny: no requests, latest, a registry of another chart', () => {
    const bound = new BoundPolicies(generated());
    const denied = (ns: string, c: Record<string, unknown>) => bound.evaluate(deployment(ns, [{ name: 'c', ...c }]), ns).map((v) => v.policy);
    expect(denied('tools', { image: 'quay.io/jetstack/cert-manager-controller:v1.17.2', resources: sized })).toEqual([]);
    expect(denied('tools', { image: 'quay.io/jetstack/cert-manager-controller:v1.17.2' })).toEqual(['ck8s-resource-requirements']);
    expect(denied('tools', { image: 'quay.io/jetstack/cert-manager-controller:latest', resources: sized })).toEqual(['ck8s-image-tag']);
    expect(denied('tools', { image: 'ghcr.io/dexidp/dex:v2.42.0', resources: sized })).toEqual(['ck8s-platform-registries']);
    // an image without a registry is Docker Hub's
    expect(denied('agents', { image: 'velero/velero:v1.16.0', resources: sized })).toEqual([]);
    expect(denied('tools', { image: 'velero/velero:v1.16.0', resources: sized })).toEqual(['ck8s-platform-registries']);
    // a tenant namespace keeps the tenants' rules: the registry allow-list, not the platform's
    expect(denied('team-a', { image: 'quay.io/x/y:1', resources: sized })).toContain('ck8s-allowed-registries');
    expect(denied('team-a', { image: 'quay.io/x/y:1', resources: sized })).not.toContain('ck8s-platform-registries');
  });

  it('leaves a namespace out of one rule for a declared exception, and writes it with its name, component and reason on the binding', () => {
    const exception = {
      name: 'tools-collector-requests',
      component: 'tools',
      namespace: 'tools',
      rule: 'resource-requirements' as const,
      object: 'Job/collector',
      reason: 'the chart offers no value for the collector container',
    };
    const objects = generated([], [exception]);
    const binding = objects.find((o: any) => o.metadata.name === 'ck8s-resource-requirements-platform');
    expect(binding.spec.matchResources.namespaceSelector.matchExpressions[0].values).toEqual(['agents']);
    expect(binding.metadata.annotations['platform.ck8s.io/exceptions']).toBe(
      'tools: the chart offers no value for the collector container (exception tools-collector-requests of component tools, Job/collector)',
    );
    const bound = new BoundPolicies(objects);
    expect(bound.evaluate(deployment('tools', [{ name: 'c', image: 'quay.io/a/b:1' }]), 'tools')).toEqual([]);
    expect(() =>
      new AdmissionPolicies(new App(), 'p', { rules }).holdPlatform({ namespaces: ['agents'], registries: new Map(), exceptions: [exception] }),
    ).toThrow('admission exception tools-collector-requests (component tools): namespace tools is not a platform namespace');
  });

  it('matches label selectors as the API server does', () => {
    expect(selectorMatches({ matchExpressions: [{ key: 'a', operator: 'Exists' }] }, { a: '' })).toBe(true);
    expect(selectorMatches({ matchExpressions: [{ key: 'a', operator: 'NotIn', values: ['x'] }] }, {})).toBe(true);
    expect(selectorMatches({ matchExpressions: [{ key: 'a', operator: 'In', values: ['x'] }] }, {})).toBe(false);
    expect(selectorMatches({ matchLabels: { a: 'x' } }, { a: 'y' })).toBe(false);
  });
});
