import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { evaluateManifests, POD_SECURITY_RULES, SAFE_SYSCTLS_SINCE } from '../src/index.js';

/**
 * Verdicts of upstream Pod Security Admission 1.37 (master) for generated pods (see
 * fixtures/psa-oracle/README.md), compared with the rules of the newest supported minor, 1.36. The
 * two policies differ only in the sysctls 1.37 adds (pod-security-versions.ts): a pod that sets one of
 * them is also denied by pss-sysctls at 1.36, the rest of its verdict the same.
 */
interface OracleCase {
  readonly object: { metadata: { name: string }; spec: { os?: { name: string } } };
  readonly baseline: string[];
  readonly restricted: string[];
}

const cases1dot37 = readFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'psa-oracle', 'random-pods-v1.37.jsonl'), 'utf8')
  .trim()
  .split('\n')
  .map((line) => JSON.parse(line) as OracleCase);

const sysctlsOf1dot37 = SAFE_SYSCTLS_SINCE.find((s) => s.minor === 37)!.sysctls;
const onlyIn1dot37 = (c: OracleCase) =>
  ((c.object.spec as { securityContext?: { sysctls?: { name: string }[] } }).securityContext?.sysctls ?? []).some((s) =>
    sysctlsOf1dot37.includes(s.name),
  );
const with1dot36Sysctls = (checks: string[]) => [...new Set([...checks, 'pss-sysctls'])];
const cases: OracleCase[] = cases1dot37.map((c) =>
  onlyIn1dot37(c) ? { ...c, baseline: with1dot36Sysctls(c.baseline), restricted: with1dot36Sysctls(c.restricted) } : c,
);

/** The baseline rules upstream's restricted level replaces, and by which restricted rule. */
const REPLACED_BY: Readonly<Record<string, string>> = {
  'pss-host-path-volumes': 'pss-restricted-volumes',
  'pss-capabilities-baseline': 'pss-capabilities-restricted',
  'pss-seccomp-baseline': 'pss-seccomp-restricted',
  'pss-proc-mount': 'pss-proc-mount-restricted',
};

describe('agreement with upstream Pod Security Admission 1.37, less its 1.37 sysctls', () => {
  const documents = cases.map((c) => ({ file: c.object.metadata.name, object: c.object }));
  const baseline = evaluateManifests(POD_SECURITY_RULES, documents, { level: 'baseline', namespace: 'tenant-a' });
  const restricted = evaluateManifests(POD_SECURITY_RULES, documents, { level: 'restricted', namespace: 'tenant-a' });
  const ids = (result: (typeof baseline)[number]) => result.violations.map((v) => v.policy.replace(/^ck8s-/, '')).sort();

  it('covers allowed and denied pods at both levels', () => {
    expect(cases.length).toBe(200);
    expect(cases1dot37.filter(onlyIn1dot37).length).toBeGreaterThan(0);
    expect(cases.filter((c) => c.baseline.length === 0).length).toBeGreaterThan(10);
    expect(cases.filter((c) => c.restricted.length === 0).length).toBeGreaterThan(0);
    expect(cases.filter((c) => c.object.spec.os?.name === 'windows').length).toBeGreaterThan(10);
  });

  it('fails exactly the checks upstream fails at baseline', () => {
    cases.forEach((c, i) => expect(ids(baseline[i]!), c.object.metadata.name).toEqual([...c.baseline].sort()));
  });

  it('fails exactly the checks upstream fails at restricted, where replaced baseline checks only add to their replacement', () => {
    cases.forEach((c, i) => {
      const ours = ids(restricted[i]!);
      for (const id of ours.filter((id) => id in REPLACED_BY)) {
        if (c.object.spec.os?.name !== 'windows') expect(ours, `${c.object.metadata.name}: ${id}`).toContain(REPLACED_BY[id]);
      }
      expect(
        ours.filter((id) => !(id in REPLACED_BY)),
        c.object.metadata.name,
      ).toEqual([...c.restricted].sort());
    });
  });
});
