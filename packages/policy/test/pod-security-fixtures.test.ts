import { describe, expect, it } from 'vitest';
import { evaluateManifests, POD_SECURITY_RULES, PolicyEvaluator, type ManifestResult, type PodSecurityLevel } from '../src/index.js';
import { readFixtures, type Fixture } from './fixtures.js';

const fixtures = readFixtures();
const evaluator = new PolicyEvaluator();
const levelOf = new Map(POD_SECURITY_RULES.map((rule) => [rule.id, rule.level]));
const messageOf = new Map(POD_SECURITY_RULES.map((rule) => [`ck8s-${rule.id}`, rule.validations[0]!.message]));

function evaluate(fixture: Fixture, level: PodSecurityLevel): ManifestResult {
  const [result] = evaluateManifests(POD_SECURITY_RULES, [{ file: fixture.file, object: fixture.object }], { level, namespace: 'tenant-a' });
  return result!;
}

function rulesOf(result: ManifestResult): string[] {
  return result.violations.map((violation) => violation.policy.replace(/^ck8s-/, '')).sort();
}

describe('pod security fixtures', () => {
  it('are many and cover every check with a pass and (but for pss-proc-mount) a fail fixture', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(70);
    for (const rule of POD_SECURITY_RULES) {
      const check = rule.id.replace(/^pss-/, '');
      expect(
        fixtures.some((f) => f.check === check && f.verdict === 'pass'),
        `pass fixture for ${rule.id}`,
      ).toBe(true);
      if (rule.id === 'pss-proc-mount') continue; // no valid object violates it, see the README
      expect(
        fixtures.some((f) => f.check === check && f.verdict === 'fail' && f.expect.includes(rule.id)),
        `fail fixture for ${rule.id}`,
      ).toBe(true);
    }
  });

  it('declare their expectation consistently and are complete objects without a namespace', () => {
    const ids = new Set(POD_SECURITY_RULES.map((rule) => rule.id));
    for (const fixture of fixtures) {
      expect(fixture.verdict === 'fail', fixture.name).toBe(fixture.expect.length > 0);
      for (const id of fixture.expect) expect(ids.has(id), `${fixture.name}: unknown rule ${id}`).toBe(true);
      expect(fixture.object['apiVersion'], fixture.name).toEqual(expect.any(String));
      expect(fixture.object['kind'], fixture.name).toEqual(expect.any(String));
      const metadata = fixture.object['metadata'] as Record<string, unknown>;
      expect(metadata['name'], fixture.name).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
      expect(metadata['namespace'], fixture.name).toBeUndefined();
      if (fixture.via) {
        expect(fixture.via).toBe('pods/ephemeralcontainers');
        expect(fixture.object['kind']).toBe('Pod');
      }
    }
  });

  it('include violations in init and ephemeral containers, controllers and windows pods', () => {
    const failing = fixtures.filter((f) => f.verdict === 'fail');
    const text = (f: Fixture) => JSON.stringify(f.object);
    expect(failing.filter((f) => f.via === 'pods/ephemeralcontainers').length).toBeGreaterThanOrEqual(5);
    expect(failing.filter((f) => text(f).includes('"initContainers"') && f.name.includes('init')).length).toBeGreaterThanOrEqual(5);
    const kinds = new Set(failing.map((f) => f.object['kind']));
    for (const kind of ['Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ReplicationController', 'Job', 'CronJob'])
      expect(kinds, kind).toContain(kind);
    expect(fixtures.filter((f) => text(f).includes('"os":{"name":"windows"}')).length).toBeGreaterThanOrEqual(6);
  });

  describe.each(fixtures.map((fixture) => [fixture.name, fixture] as const))('%s', (_name, fixture) => {
    it('is rejected by exactly the expected rules at restricted', () => {
      const result = evaluate(fixture, 'restricted');
      expect(rulesOf(result)).toEqual(fixture.expect);
      expect(result.allowed).toBe(fixture.verdict === 'pass');
    });

    it('is rejected by exactly the expected baseline rules at baseline', () => {
      const result = evaluate(fixture, 'baseline');
      expect(rulesOf(result)).toEqual(fixture.expect.filter((id) => levelOf.get(id) === 'baseline'));
    });

    if (fixture.via === 'pods/ephemeralcontainers') {
      it('is rejected the same when the ephemeral containers are added through the subresource', () => {
        const spec = fixture.object['spec'] as Record<string, unknown>;
        const { ephemeralContainers: _added, ...base } = spec;
        const created = evaluator.evaluateRules(POD_SECURITY_RULES, { object: { ...fixture.object, spec: base }, namespace: 'tenant-a' });
        expect(created.flatMap((e) => e.violations)).toEqual([]);
        const updated = evaluator.evaluateRules(POD_SECURITY_RULES, {
          object: fixture.object,
          oldObject: { ...fixture.object, spec: base },
          operation: 'UPDATE',
          subResource: 'ephemeralcontainers',
          namespace: 'tenant-a',
        });
        expect(updated.every((e) => e.applies)).toBe(true);
        expect(updated.flatMap((e) => e.violations.map((v) => v.rule)).sort()).toEqual(fixture.expect);
      });
    }

    it('explains every violation with the message expression', () => {
      for (const violation of evaluate(fixture, 'restricted').violations) {
        const prefix = `${messageOf.get(violation.policy)}: `;
        expect(violation.message.startsWith(prefix), violation.message).toBe(true);
        expect(violation.message.length).toBeGreaterThan(prefix.length);
        expect(violation.message).not.toContain('expression error');
      }
    });
  });

  it('restricted-only violations pass baseline, baseline violations fail both', () => {
    const restrictedOnly = fixtures.filter((f) => f.verdict === 'fail' && f.expect.every((id) => levelOf.get(id) === 'restricted'));
    const baseline = fixtures.filter((f) => f.expect.some((id) => levelOf.get(id) === 'baseline'));
    expect(restrictedOnly.length).toBeGreaterThanOrEqual(15);
    expect(baseline.length).toBeGreaterThanOrEqual(25);
    for (const fixture of restrictedOnly) {
      expect(evaluate(fixture, 'baseline').allowed, fixture.name).toBe(true);
      expect(evaluate(fixture, 'restricted').allowed, fixture.name).toBe(false);
    }
    for (const fixture of baseline) {
      expect(evaluate(fixture, 'baseline').allowed, fixture.name).toBe(false);
      expect(evaluate(fixture, 'restricted').allowed, fixture.name).toBe(false);
    }
  });

  it('admit a fully compliant restricted deployment under every rule', () => {
    const deployment = fixtures.find((f) => f.name === 'compliant/pass-restricted-deployment.yaml')!;
    const [result] = evaluateManifests(POD_SECURITY_RULES, [{ file: deployment.file, object: deployment.object }], { namespace: 'tenant-a' });
    expect(result).toEqual({
      file: deployment.file,
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      namespace: 'tenant-a',
      name: 'web',
      allowed: true,
      violations: [],
    });
  });

  it('admit windows pods under the restricted exemptions that fail as linux pods', () => {
    const windows = fixtures.find((f) => f.name === 'allow-privilege-escalation/pass-windows-pod.yaml')!;
    const linux = fixtures.find((f) => f.name === 'allow-privilege-escalation/fail-linux-counterpart.yaml')!;
    expect(evaluate(windows, 'restricted').allowed).toBe(true);
    expect(rulesOf(evaluate(linux, 'restricted'))).toEqual([
      'pss-allow-privilege-escalation',
      'pss-capabilities-restricted',
      'pss-seccomp-restricted',
    ]);
    // Same containers: only spec.os differs.
    expect((windows.object['spec'] as { os: unknown }).os).toEqual({ name: 'windows' });
  });
});
