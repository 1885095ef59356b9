import { parse } from '@bufbuild/cel';
import { describe, expect, it } from 'vitest';
import {
  BASELINE_ALLOWED_CAPABILITIES,
  celStringList,
  POD_RESOURCES,
  POD_SECURITY_BASELINE_RULES,
  POD_SECURITY_RESTRICTED_RULES,
  POD_SECURITY_RULES,
  POD_VARIABLES,
  PolicyEvaluator,
  podSecurityRule,
  RESTRICTED_ALLOWED_VOLUME_TYPES,
  SELINUX_ALLOWED_TYPES,
} from '../src/index.js';

const evaluator = new PolicyEvaluator();

/** Every CEL expression of a rule, labelled. */
function expressionsOf(rule: (typeof POD_SECURITY_RULES)[number]): [string, string][] {
  return [
    ...rule.variables.map((v): [string, string] => [`variable ${v.name}`, v.expression]),
    ...(rule.matchConditions ?? []).map((c): [string, string] => [`match condition ${c.name}`, c.expression]),
    ...rule.validations.flatMap((v, i): [string, string][] => [
      [`validation ${i}`, v.expression],
      ...(v.messageExpression ? [[`messageExpression ${i}`, v.messageExpression] as [string, string]] : []),
    ]),
  ];
}

describe('POD_SECURITY_RULES', () => {
  it('has one rule per upstream check (12 baseline, 7 restricted)', () => {
    expect(POD_SECURITY_RULES.map((rule) => rule.id)).toEqual([
      'pss-host-namespaces',
      'pss-privileged',
      'pss-capabilities-baseline',
      'pss-host-path-volumes',
      'pss-host-ports',
      'pss-apparmor',
      'pss-selinux',
      'pss-proc-mount',
      'pss-seccomp-baseline',
      'pss-sysctls',
      'pss-windows-host-process',
      'pss-host-probes-lifecycle',
      'pss-restricted-volumes',
      'pss-allow-privilege-escalation',
      'pss-run-as-non-root',
      'pss-run-as-user',
      'pss-seccomp-restricted',
      'pss-capabilities-restricted',
      'pss-proc-mount-restricted',
    ]);
    expect(POD_SECURITY_BASELINE_RULES.every((rule) => rule.level === 'baseline')).toBe(true);
    expect(POD_SECURITY_RESTRICTED_RULES.every((rule) => rule.level === 'restricted')).toBe(true);
  });

  it('has unique ids whose policy names are DNS labels of at most 63 characters', () => {
    const ids = POD_SECURITY_RULES.map((rule) => rule.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) {
      expect(id).toMatch(/^pss-/);
      const policy = `ck8s-${id}`;
      expect(policy.length, policy).toBeLessThanOrEqual(63);
      expect(policy).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
    }
  });

  it('targets tenants, every pod-bearing resource, and starts from the shared pod variables', () => {
    for (const rule of POD_SECURITY_RULES) {
      expect(rule.scope, rule.id).toBe('tenants');
      expect(rule.match, rule.id).toBe(POD_RESOURCES);
      expect(rule.variables.slice(0, POD_VARIABLES.length), rule.id).toEqual(POD_VARIABLES);
      expect(rule.title.length, rule.id).toBeGreaterThan(10);
    }
  });

  it('has variable names that are valid, unique CEL identifiers per rule', () => {
    for (const rule of POD_SECURITY_RULES) {
      const names = rule.variables.map((v) => v.name);
      expect(new Set(names).size, rule.id).toBe(names.length);
      for (const name of names) expect(name).toMatch(/^[a-zA-Z_][a-zA-Z0-9_]*$/);
    }
  });

  it('compiles every expression with @bufbuild/cel', () => {
    for (const rule of POD_SECURITY_RULES) {
      for (const [label, expression] of expressionsOf(rule)) {
        expect(() => parse(expression), `${rule.id} ${label}`).not.toThrow();
        expect(evaluator.compileError(expression), `${rule.id} ${label}`).toBeUndefined();
      }
    }
  });

  it('uses no construct @bufbuild/cel lacks (optional syntax, orValue, flatten)', () => {
    for (const rule of POD_SECURITY_RULES) {
      for (const [label, expression] of expressionsOf(rule)) {
        expect(expression, `${rule.id} ${label}`).not.toMatch(/\.\?|\[\?|orValue|optional\.|flatten\(/);
      }
    }
  });

  it('has a lowercase static message naming the level, repeated at the start of its message expression', () => {
    for (const rule of POD_SECURITY_RULES) {
      expect(rule.validations).toHaveLength(1);
      const [validation] = rule.validations;
      expect(validation!.message, rule.id).toMatch(/^[a-z]/);
      expect(validation!.message, rule.id).toContain(`(pod security ${rule.level})`);
      expect(validation!.messageExpression, rule.id).toBe(
        `'${validation!.message}: ' + ${validation!.messageExpression!.slice(validation!.message.length + 7)}`,
      );
    }
  });

  it('admits a minimal pod and a pod with empty security contexts without evaluation errors', () => {
    const minimal = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'minimal' }, spec: { containers: [{ name: 'app', image: 'app' }] } };
    const empty = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'empty' },
      spec: {
        template: {
          spec: {
            securityContext: {},
            containers: [{ name: 'app', image: 'app', securityContext: {}, ports: [{ containerPort: 80 }], livenessProbe: {} }],
            volumes: [],
          },
        },
      },
    };
    for (const object of [minimal, empty]) {
      for (const rule of POD_SECURITY_BASELINE_RULES) {
        expect(evaluator.evaluateRule(rule, { object, namespace: 'tenant-a' }), rule.id).toEqual({ applies: true, violations: [] });
      }
      for (const rule of POD_SECURITY_RESTRICTED_RULES) {
        for (const violation of evaluator.evaluateRule(rule, { object, namespace: 'tenant-a' }).violations) {
          expect(violation.message, rule.id).not.toContain('expression error');
        }
      }
    }
  });
});

describe('pod security lists', () => {
  it('match upstream exactly', () => {
    expect(BASELINE_ALLOWED_CAPABILITIES).toHaveLength(13);
    expect(BASELINE_ALLOWED_CAPABILITIES).not.toContain('NET_RAW');
    expect(SELINUX_ALLOWED_TYPES).toEqual(['', 'container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t']);
    expect([...RESTRICTED_ALLOWED_VOLUME_TYPES].sort()).toEqual([
      'configMap',
      'csi',
      'downwardAPI',
      'emptyDir',
      'ephemeral',
      'image',
      'persistentVolumeClaim',
      'projected',
      'secret',
    ]);
  });

  it('render as CEL list literals and refuse values that would break the literal', () => {
    expect(celStringList(['a', 'b'])).toBe("['a', 'b']");
    expect(celStringList([])).toBe('[]');
    expect(() => celStringList(["it's"])).toThrow(/cannot embed "it's"/);
  });

  it('refuse a rule message that would break its message expression', () => {
    expect(() => podSecurityRule({ id: 'pss-x', title: 'x', level: 'baseline', expression: 'true', message: "don't", detail: "''" })).toThrow(
      /invalid message for pss-x "don't"/,
    );
  });
});
