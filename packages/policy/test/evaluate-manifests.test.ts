import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { stringify } from 'yaml';
import { CelPrograms, evaluateManifests, loadManifests, PolicyEvaluator, POD_SECURITY_RULES, type AdmissionRule } from '../src/index.js';
import { readFixtures } from './fixtures.js';

const privilegedPod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'privileged', namespace: 'team-a' },
  spec: { containers: [{ name: 'app', image: 'app', securityContext: { privileged: true } }] },
};

const defaultNamespaceRule: AdmissionRule = {
  id: 'no-default-namespace',
  title: 'Nothing goes into the default namespace',
  scope: 'default-namespace',
  match: [{ apiGroups: ['', 'apps'], apiVersions: ['v1'], resources: ['pods', 'services', 'deployments'], operations: ['CREATE', 'UPDATE'] }],
  variables: [],
  validations: [{ expression: 'false', message: 'use a tenant namespace', messageExpression: "'use a tenant namespace, not ' + request.namespace" }],
};

/** Every CEL expression of the rules (conditions, variables, validations, message expressions). */
function celExpressions(value: unknown, found = new Set<string>()): Set<string> {
  if (Array.isArray(value)) value.forEach((v) => celExpressions(v, found));
  else if (value !== null && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) {
      if ((key === 'expression' || key === 'messageExpression') && typeof v === 'string') found.add(v);
      else celExpressions(v, found);
    }
  }
  return found;
}

function policies(result: { violations: { policy: string }[] }): string[] {
  return result.violations.map((v) => v.policy).sort();
}

describe('evaluateManifests', () => {
  it('returns one result per object in exactly the documented shape', () => {
    const service = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'team-a' }, spec: { ports: [{ port: 80 }] } };
    const results = evaluateManifests(
      POD_SECURITY_RULES,
      [
        { file: 'a.yaml', object: privilegedPod },
        { file: 'b.yaml', object: service },
      ],
      { level: 'baseline' },
    );
    expect(JSON.parse(JSON.stringify(results))).toEqual([
      {
        file: 'a.yaml',
        apiVersion: 'v1',
        kind: 'Pod',
        namespace: 'team-a',
        name: 'privileged',
        allowed: false,
        violations: [{ policy: 'ck8s-pss-privileged', message: 'privileged containers are not allowed (pod security baseline): app' }],
      },
      { file: 'b.yaml', apiVersion: 'v1', kind: 'Service', namespace: 'team-a', name: 'web', allowed: true, violations: [] },
    ]);
  });

  it('evaluates only rules at or below the given level, and all rules without one', () => {
    const rules = [...POD_SECURITY_RULES, defaultNamespaceRule];
    const documents = [{ file: 'p.yaml', object: privilegedPod }];
    const [baseline] = evaluateManifests(rules, documents, { level: 'baseline' });
    const [restricted] = evaluateManifests(rules, documents, { level: 'restricted' });
    const [all] = evaluateManifests(rules, documents);
    expect(policies(baseline!)).toEqual(['ck8s-pss-privileged']);
    expect(policies(restricted!)).toEqual([
      'ck8s-pss-allow-privilege-escalation',
      'ck8s-pss-capabilities-restricted',
      'ck8s-pss-privileged',
      'ck8s-pss-run-as-non-root',
      'ck8s-pss-seccomp-restricted',
    ]);
    // The platform rule has no level: only evaluated without one, and only in the default namespace.
    expect(policies(all!)).toEqual(policies(restricted!));
    const [inDefault] = evaluateManifests(rules, documents, { namespace: 'default' });
    expect(inDefault!.violations).toEqual([{ policy: 'ck8s-no-default-namespace', message: 'use a tenant namespace, not default' }]);
  });

  it('applies tenant rules outside the default namespace and default-namespace rules inside it', () => {
    const rules = [...POD_SECURITY_RULES, defaultNamespaceRule];
    const inNamespace = (namespace: string | undefined) => ({ ...privilegedPod, metadata: { name: 'p', ...(namespace ? { namespace } : {}) } });
    const [tenant] = evaluateManifests(rules, [{ file: 'p.yaml', object: inNamespace('team-b') }], { level: 'baseline' });
    const [inDefault] = evaluateManifests(rules, [{ file: 'p.yaml', object: inNamespace('default') }]);
    const [none] = evaluateManifests(rules, [{ file: 'p.yaml', object: inNamespace(undefined) }], { level: 'baseline' });
    expect(policies(tenant!)).toEqual(['ck8s-pss-privileged']);
    expect(tenant!.namespace).toBe('team-b');
    expect(policies(inDefault!)).toEqual(['ck8s-no-default-namespace']);
    expect(none!.namespace).toBeNull();
    expect(policies(none!)).toEqual(['ck8s-pss-privileged']);
    // The option overrides the object's own namespace.
    const [overridden] = evaluateManifests(rules, [{ file: 'p.yaml', object: inNamespace('default') }], { namespace: 'team-c', level: 'baseline' });
    expect(overridden!.namespace).toBe('team-c');
    expect(policies(overridden!)).toEqual(['ck8s-pss-privileged']);
  });

  it('matches a Namespace object by its own name', () => {
    const namespaceRule: AdmissionRule = {
      ...defaultNamespaceRule,
      match: [{ apiGroups: [''], apiVersions: ['v1'], resources: ['namespaces'], operations: ['CREATE'] }],
    };
    const namespace = (name: string) => ({ file: 'ns.yaml', object: { apiVersion: 'v1', kind: 'Namespace', metadata: { name } } });
    expect(evaluateManifests([namespaceRule], [namespace('default')])[0]!.allowed).toBe(false);
    expect(evaluateManifests([namespaceRule], [namespace('team-a')])[0]!.allowed).toBe(true);
  });

  it('skips rules excepted for the namespace, by rule id or policy name', () => {
    const documents = [{ file: 'p.yaml', object: privilegedPod }];
    const [byId] = evaluateManifests(POD_SECURITY_RULES, documents, {
      level: 'baseline',
      exceptions: [{ namespace: 'team-a', rule: 'pss-privileged' }],
    });
    const [byPolicy] = evaluateManifests(POD_SECURITY_RULES, documents, {
      level: 'baseline',
      exceptions: [{ namespace: 'team-a', rule: 'ck8s-pss-privileged' }],
    });
    const [elsewhere] = evaluateManifests(POD_SECURITY_RULES, documents, {
      level: 'baseline',
      exceptions: [{ namespace: 'team-b', rule: 'pss-privileged' }],
    });
    expect(byId!.allowed).toBe(true);
    expect(byPolicy!.allowed).toBe(true);
    expect(elsewhere!.allowed).toBe(false);
  });

  it('evaluates a folder of hundreds of manifests compiling each expression once', () => {
    const fixtures = readFixtures();
    const dir = mkdtempSync(path.join(tmpdir(), 'ck8s-policy-bench-'));
    // a fresh evaluator, so the count is of this run alone; its speed is in `npm run bench`
    const compile = vi.spyOn(CelPrograms.prototype as unknown as { compile: (expression: string) => unknown }, 'compile');
    try {
      // 400 workloads in 40 files of 10 documents, like a tenant's rendered manifests.
      for (let file = 0; file < 40; file++) {
        const documents = Array.from({ length: 10 }, (_, i) => {
          const fixture = fixtures[(file * 10 + i) % fixtures.length]!;
          return stringify({ ...fixture.object, metadata: { ...(fixture.object['metadata'] as object), name: `w-${file}-${i}` } });
        });
        mkdirSync(path.join(dir, `team-${file % 4}`), { recursive: true });
        writeFileSync(path.join(dir, `team-${file % 4}`, `f${file}.yaml`), documents.join('---\n'));
      }
      const results = evaluateManifests(POD_SECURITY_RULES, loadManifests([dir]), {
        level: 'restricted',
        namespace: 'tenant-a',
        evaluator: new PolicyEvaluator(),
      });
      expect(results).toHaveLength(400);
      expect(results.filter((r) => !r.allowed).length).toBeGreaterThan(150);
      // the work does not grow with the objects: every distinct expression is compiled at most once
      const expressions = new Set(compile.mock.calls.map(([expression]) => expression));
      expect(compile.mock.calls.length).toBeGreaterThan(0);
      expect(compile.mock.calls.length).toBe(expressions.size);
      expect(expressions.size).toBeLessThanOrEqual(celExpressions(POD_SECURITY_RULES).size);
    } finally {
      compile.mockRestore();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
