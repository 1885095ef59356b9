import { SUPPORTED_KUBERNETES_MINORS } from '@ck8s/core/base';
import { describe, expect, it } from 'vitest';
import {
  clusterRules,
  evaluateManifests,
  NEWEST_POD_SECURITY_VERSION,
  POD_SECURITY_RULES,
  podSecurityPolicyVersion,
  podSecurityRules,
  type PodSecurityLevel,
} from '../src/index.js';
import { readVersionFixtures } from './fixtures.js';

const fixtures = readVersionFixtures();
const minors = SUPPORTED_KUBERNETES_MINORS.map((m) => Number(m.split('.')[1]));

function deniedBy(version: string, level: PodSecurityLevel, object: Record<string, unknown>): string[] {
  const [result] = evaluateManifests(podSecurityRules(version), [{ file: 'inline', object }], { level, namespace: 'tenant-a' });
  return result!.violations.map((v) => v.policy.replace(/^ck8s-/, '')).sort();
}

describe('pod security by version', () => {
  it('supports exactly the minors of the schema mirror, and names them for any other', () => {
    expect(SUPPORTED_KUBERNETES_MINORS).toEqual(['1.32', '1.33', '1.34', '1.35', '1.36']);
    expect(podSecurityPolicyVersion('1.33.4').version).toBe('v1.33');
    expect(podSecurityPolicyVersion('v1.35').minor).toBe(35);
    expect(NEWEST_POD_SECURITY_VERSION.version).toBe('v1.36');
    for (const bad of ['1.31', '1.37', '1.37.2', 'latest', '2.0'])
      expect(() => podSecurityRules(bad), bad).toThrow(`kubernetes version "${bad}" is not supported; supported: 1.32, 1.33, 1.34, 1.35, 1.36`);
  });

  it('allow the sysctls of each version (upstream check_sysctls.go), never those of 1.37', () => {
    const v132 = podSecurityPolicyVersion('1.32').safeSysctls;
    expect(v132).toHaveLength(12);
    expect(v132).toEqual(expect.arrayContaining(['net.ipv4.tcp_rmem', 'net.ipv4.tcp_wmem', 'net.ipv4.tcp_keepalive_probes']));
    for (const minor of SUPPORTED_KUBERNETES_MINORS) {
      expect(podSecurityPolicyVersion(minor).safeSysctls, minor).toEqual(v132);
      expect(podSecurityPolicyVersion(minor).safeSysctls, minor).not.toContain('net.ipv4.tcp_notsent_lowat');
    }
  });

  it('have a rule set per version: hostProbesAndHostLifecycle from 1.34, procMount_restricted from 1.35', () => {
    const ids = (v: string) => podSecurityRules(v).map((r) => r.id);
    expect(ids('1.32')).toEqual(ids('1.33'));
    expect(ids('1.33')).not.toContain('pss-host-probes-lifecycle');
    expect(ids('1.34')).toContain('pss-host-probes-lifecycle');
    expect(ids('1.34')).not.toContain('pss-proc-mount-restricted');
    expect(ids('1.35')).toContain('pss-proc-mount-restricted');
    expect(ids('1.36')).toEqual(ids('1.35'));
    expect(POD_SECURITY_RULES.map((r) => r.id)).toEqual(ids('1.36'));
    for (const minor of SUPPORTED_KUBERNETES_MINORS)
      expect(new Set(podSecurityRules(minor).map((r) => r.podSecurityVersion)), minor).toEqual(new Set([`v${minor}`]));
  });

  it('cover every supported minor at both levels in every fixture', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(6);
    for (const fixture of fixtures) {
      expect(fixture.object['kind'], fixture.name).toBe('Pod');
      for (const level of ['baseline', 'restricted'] as const) {
        const covered = fixture.expectations
          .filter((e) => e.level === level)
          .flatMap((e) => Array.from({ length: e.to - e.from + 1 }, (_, i) => e.from + i));
        expect(
          covered.sort((a, b) => a - b),
          `${fixture.name} ${level}`,
        ).toEqual(minors);
      }
    }
  });

  it('judge every fixture at every version and level as upstream Pod Security Admission does', () => {
    let differing = 0;
    for (const fixture of fixtures) {
      for (const e of fixture.expectations) {
        for (let minor = e.from; minor <= e.to; minor++)
          expect(deniedBy(`1.${minor}`, e.level, fixture.object), `${fixture.name} ${e.level} 1.${minor}`).toEqual(e.rules);
      }
      const verdicts = new Set(fixture.expectations.map((e) => e.rules.join(',')));
      if (verdicts.size > 1) differing++;
    }
    // the fixtures are there for the differences: most of them change verdict across versions
    expect(differing).toBeGreaterThanOrEqual(3);
  });

  it('follow the cluster kubernetesVersion in clusterRules', () => {
    const cluster = (kubernetesVersion: string) =>
      ({
        kubernetesVersion,
        name: 'wc',
        profile: 'workload',
        gitops: { engine: 'flux' },
        registry: { enabled: false },
        policy: { allowedRegistries: [] },
      }) as never;
    const fleet = { clusters: new Map() } as never;
    const unmasked = fixtures.find((f) => f.name === 'unmasked-proc-mount-user-namespace.yaml')!;
    const baseline = (version: string) => {
      const rules = clusterRules(cluster(version), fleet).filter((r) => r.level !== undefined);
      return evaluateManifests(rules, [{ file: 'inline', object: unmasked.object }], { level: 'baseline', namespace: 'tenant-a' })[0]!.allowed;
    };
    expect(baseline('1.33')).toBe(false);
    expect(baseline('1.35.1')).toBe(true);
  });
});
