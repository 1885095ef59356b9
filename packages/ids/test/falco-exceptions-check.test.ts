import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { checkFalcoExceptions, FALCO_RULE_SETS, type FalcoRuleNames, platformRulesFile } from '../src/index.js';

// The names of the pinned stable rule set, extracted by scripts/falco-rule-names.mjs from
// falcosecurity/rules at the tag the index records (no Falco binary or rules file is available
// offline, and none may be committed): the platform's exceptions must refine rules it defines.
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const names: FalcoRuleNames = JSON.parse(readFileSync(path.join(repoRoot, 'packages', 'ids', 'data', 'falco-rules.names.json'), 'utf8'));

/** A rules file with one appended exception, as platformRulesFile writes them, with parts replaced. */
function file(rule: Record<string, unknown> = {}, exception: Record<string, unknown> = {}): string {
  return stringify([
    {
      rule: 'Contact K8S API Server From Container',
      exceptions: [{ name: 'ck8s_test', fields: ['k8s.ns.name'], comps: ['in'], values: [[['velero', 'monitoring']]], ...exception }],
      override: { exceptions: 'append' },
      ...rule,
    },
  ]);
}

describe("the platform's Falco exceptions, checked against the pinned rule set's names", () => {
  it('come from the stable rule set the platform pins', () => {
    // a new pin needs a new index: the index names the release it was extracted from, and falcoctl installs that release
    const [repo, version] = FALCO_RULE_SETS.stable.ref.split(':');
    expect(names.source.ref).toBe(FALCO_RULE_SETS.stable.ref);
    expect(names.source.tag).toBe(`${repo}-${version}`);
    expect(names.source.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(Object.keys(names.rules).length).toBeGreaterThan(20);
  });

  it('are sound for either GitOps engine: appended exceptions to rules, fields and values the set knows', () => {
    for (const engine of ['flux', 'argocd'] as const) expect(checkFalcoExceptions(platformRulesFile(engine), names), engine).toEqual([]);
    expect(checkFalcoExceptions(file(), names)).toEqual([]);
  });

  it('refuse an exception to a rule the pinned set does not define: falco would not start', () => {
    expect(checkFalcoExceptions(file({ rule: 'Contact K8s API Server From Container' }), names)).toEqual([
      'rule "Contact K8s API Server From Container" is not in falco-rules-5.1.0 (rules/falco_rules.yaml): falco would refuse to load it',
    ]);
  });

  it('refuse a field the pinned set does not use', () => {
    expect(checkFalcoExceptions(file({}, { fields: ['k8s.namespace.name'] }), names)).toEqual([
      'rule "Contact K8S API Server From Container": exception "ck8s_test": field k8s.namespace.name is not a field falco-rules-5.1.0 (rules/falco_rules.yaml) uses',
    ]);
  });

  it('refuse comps and values that do not match the fields one to one', () => {
    expect(checkFalcoExceptions(file({}, { fields: ['k8s.ns.name', 'proc.name'], values: [[['velero'], 'velero']] }), names)).toEqual([
      'rule "Contact K8S API Server From Container": exception "ck8s_test": 1 comps for 2 fields',
    ]);
    expect(checkFalcoExceptions(file({}, { values: [['velero', 'extra']] }), names)).toEqual([
      'rule "Contact K8S API Server From Container": exception "ck8s_test": value 0 must have one entry per field (1)',
    ]);
    expect(checkFalcoExceptions(file({}, { values: [['velero']] }), names)).toEqual([
      'rule "Contact K8S API Server From Container": exception "ck8s_test": value 0 of k8s.ns.name must be a non-empty list of non-empty string or number',
    ]);
  });

  it('refuse what turns a rule off without an error: negations, empty matches, disabling or rewriting it, changing a macro or list', () => {
    expect(checkFalcoExceptions(file({}, { comps: ['!='], values: [['velero']] }), names)).toEqual([
      'rule "Contact K8S API Server From Container": exception "ck8s_test": comp != matches every other value and turns the rule off',
    ]);
    expect(checkFalcoExceptions(file({}, { fields: ['proc.name'], comps: ['startswith'], values: [['']] }), names)).toEqual([
      'rule "Contact K8S API Server From Container": exception "ck8s_test": value 0 of proc.name must be one non-empty string or number',
    ]);
    expect(checkFalcoExceptions(file({ enabled: false }), names)).toEqual([
      'rule "Contact K8S API Server From Container": enabled would change the rule itself (only exceptions may be appended)',
    ]);
    expect(checkFalcoExceptions(file({ condition: 'never_true', override: { condition: 'replace' } }), names)).toEqual([
      'rule "Contact K8S API Server From Container": condition would change the rule itself (only exceptions may be appended)',
      'rule "Contact K8S API Server From Container": override must be exactly { exceptions: append }, found {"condition":"replace"}',
    ]);
    expect(
      checkFalcoExceptions(stringify([{ macro: 'k8s_containers', condition: 'always_true', override: { condition: 'replace' } }]), names),
    ).toEqual(['item 0: macro "k8s_containers": the platform only appends named exceptions to rules, it never changes a macro']);
    expect(checkFalcoExceptions(stringify([{ list: 'no_such_list', items: ['sh'], override: { items: 'append' } }]), names)).toEqual([
      'item 0: list "no_such_list" is not in falco-rules-5.1.0 (rules/falco_rules.yaml)',
      'item 0: list "no_such_list": the platform only appends named exceptions to rules, it never changes a list',
    ]);
  });
});

describe('scripts/falco-rule-names.mjs', () => {
  it('extracts names only: rules with their exceptions, macros, lists and the fields conditions use, never a condition or list item', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ck8s-falco-names-'));
    try {
      const rules = path.join(dir, 'rules.yaml');
      writeFileSync(
        rules,
        stringify([
          { required_engine_version: '0.50.0' },
          { list: 'shell_binaries', items: ['bash', 'zsh'] },
          { macro: 'spawned_process', condition: 'evt.type in (execve, execveat) and evt.dir=<' },
          {
            rule: 'Shell in a test container',
            condition: 'spawned_process and proc.name in (shell_binaries) and container.image.repository != registry.k8s.io/pause',
            output: 'shell %proc.cmdline in %k8s.ns.name',
            priority: 'WARNING',
            exceptions: [{ name: 'known_shells', fields: ['proc.pname'], comps: ['in'], values: [[['sshd']]] }],
          },
          { rule: 'Off by default', condition: 'fd.name startswith /dev', output: 'x', priority: 'NOTICE', enabled: false },
        ]),
      );
      const args = ['--ref', 'test-rules:1', '--tag', 'test-rules-1.0.0', '--commit', 'a'.repeat(40), '--path', 'rules/test.yaml', rules];
      const run = spawnSync(process.execPath, [path.join(repoRoot, 'scripts', 'falco-rule-names.mjs'), ...args], { encoding: 'utf8' });
      expect(run.status, run.stderr).toBe(0);
      expect(JSON.parse(run.stdout)).toEqual({
        source: {
          repository: 'https://github.com/falcosecurity/rules',
          ref: 'test-rules:1',
          tag: 'test-rules-1.0.0',
          commit: 'a'.repeat(40),
          path: 'rules/test.yaml',
        },
        requiredEngineVersion: '0.50.0',
        rules: {
          'Off by default': { exceptions: {}, enabled: false },
          'Shell in a test container': { exceptions: { known_shells: ['proc.pname'] }, enabled: true },
        },
        macros: ['spawned_process'],
        lists: ['shell_binaries'],
        fields: ['container.image.repository', 'evt.dir', 'evt.type', 'fd.name', 'k8s.ns.name', 'proc.cmdline', 'proc.name', 'proc.pname'],
      });
      for (const body of ['bash', 'sshd', 'registry.k8s.io', 'execve']) expect(run.stdout).not.toContain(body);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
