import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

/** Root of the pod security fixtures (see fixtures/pod-security/README.md). */
export const POD_SECURITY_FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'pod-security');
/** Root of the platform rule fixtures (see fixtures/platform/README.md). */
export const PLATFORM_FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'platform');

/** The tenant namespace platform fixtures are evaluated in (see fixtures/platform/README.md), with the given name. */
export function fixtureNamespace(name: string): Record<string, unknown> {
  const namespace = parse(readFileSync(path.join(PLATFORM_FIXTURES, 'namespace.yaml'), 'utf8')) as { metadata: Record<string, unknown> };
  return { ...namespace, metadata: { ...namespace.metadata, name, labels: { 'platform.ck8s.io/tenant': name } } };
}

/** One fixture file with the expectation its header declares. */
export interface Fixture {
  /** Path relative to POD_SECURITY_FIXTURES, e.g. `privileged/fail-privileged-container.yaml`. */
  readonly name: string;
  readonly file: string;
  /** The folder: the check it is written for, or `compliant`. */
  readonly check: string;
  readonly verdict: 'pass' | 'fail';
  /** Rule ids of the `# expect:` lines, sorted. */
  readonly expect: string[];
  /** The `# via:` line, e.g. `pods/ephemeralcontainers`. */
  readonly via: string | undefined;
  /** The `# namespace:` line: the namespace to evaluate in instead of a tenant namespace. */
  readonly namespace: string | undefined;
  readonly object: Record<string, unknown>;
}

/** Every fixture below a root, sorted by name. */
export function readFixtures(root: string = POD_SECURITY_FIXTURES): Fixture[] {
  const fixtures: Fixture[] = [];
  for (const check of readdirSync(root, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort()) {
    for (const base of readdirSync(path.join(root, check))
      .filter((name) => name.endsWith('.yaml'))
      .sort()) {
      const file = path.join(root, check, base);
      const text = readFileSync(file, 'utf8');
      const header = text.split('\n').filter((line) => line.startsWith('#'));
      const expect = header.flatMap((line) => /^# expect: (\S+)$/.exec(line)?.[1] ?? []).sort();
      const via = header.flatMap((line) => /^# via: (\S+)$/.exec(line)?.[1] ?? [])[0];
      const namespace = header.flatMap((line) => /^# namespace: (\S+)$/.exec(line)?.[1] ?? [])[0];
      fixtures.push({
        name: `${check}/${base}`,
        file,
        check,
        verdict: base.startsWith('fail-') ? 'fail' : 'pass',
        expect,
        via,
        namespace,
        object: parse(text) as Record<string, unknown>,
      });
    }
  }
  return fixtures;
}

/** Root of the Pod Security by version fixtures (see fixtures/pod-security-versions/README.md). */
export const POD_SECURITY_VERSION_FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'pod-security-versions');

/** One `# expect <level> <from>-<to>: ...` line of a version fixture. */
export interface VersionExpectation {
  readonly level: 'baseline' | 'restricted';
  /** First and last minor number the line covers, e.g. 32 and 34. */
  readonly from: number;
  readonly to: number;
  /** Rule ids that deny the pod, sorted; empty when it is admitted. */
  readonly rules: string[];
}

/** A Pod Security by version fixture: the pod and its verdicts by level and minor. */
export interface VersionFixture {
  readonly name: string;
  readonly object: Record<string, unknown>;
  readonly expectations: VersionExpectation[];
}

/** Every version fixture, sorted by name. */
export function readVersionFixtures(root: string = POD_SECURITY_VERSION_FIXTURES): VersionFixture[] {
  return readdirSync(root)
    .filter((name) => name.endsWith('.yaml'))
    .sort()
    .map((name) => {
      const text = readFileSync(path.join(root, name), 'utf8');
      const expectations = text.split('\n').flatMap((line): VersionExpectation[] => {
        const m = /^# expect (baseline|restricted) 1\.(\d+)-1\.(\d+): (.+)$/.exec(line);
        if (!m) return [];
        const rules = m[4] === 'admitted' ? [] : m[4]!.split(', ').sort();
        return [{ level: m[1] as 'baseline' | 'restricted', from: Number(m[2]), to: Number(m[3]), rules }];
      });
      return { name, object: parse(text) as Record<string, unknown>, expectations };
    });
}
