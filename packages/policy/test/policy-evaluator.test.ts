import { describe, expect, it } from 'vitest';
import { CelPrograms, evaluateRule, PolicyEvaluator, resourceOfKind, type AdmissionRule, type ResourceMatch } from '../src/index.js';

const ALL_OPERATIONS: ResourceMatch['operations'] = ['CREATE', 'UPDATE'];

function rule(overrides: Partial<AdmissionRule>): AdmissionRule {
  return {
    id: 'test-rule',
    title: 'test',
    scope: 'tenants',
    match: [{ apiGroups: ['apps'], apiVersions: ['v1'], resources: ['deployments'], operations: ALL_OPERATIONS }],
    variables: [],
    validations: [{ expression: 'true', message: 'never' }],
    ...overrides,
  };
}

const deployment = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'team-a', labels: { app: 'web' } },
  spec: { replicas: 3 },
};

describe('resourceOfKind', () => {
  it('maps the kinds offline evaluation knows to their resources', () => {
    expect(resourceOfKind('v1', 'Pod')).toEqual({ group: '', version: 'v1', resource: 'pods' });
    expect(resourceOfKind('v1', 'ReplicationController')).toEqual({ group: '', version: 'v1', resource: 'replicationcontrollers' });
    expect(resourceOfKind('v1', 'Service')).toEqual({ group: '', version: 'v1', resource: 'services' });
    expect(resourceOfKind('v1', 'Namespace')).toEqual({ group: '', version: 'v1', resource: 'namespaces' });
    expect(resourceOfKind('apps/v1', 'StatefulSet')).toEqual({ group: 'apps', version: 'v1', resource: 'statefulsets' });
    expect(resourceOfKind('batch/v1', 'CronJob')).toEqual({ group: 'batch', version: 'v1', resource: 'cronjobs' });
    expect(resourceOfKind('networking.k8s.io/v1', 'NetworkPolicy')).toEqual({
      group: 'networking.k8s.io',
      version: 'v1',
      resource: 'networkpolicies',
    });
    expect(resourceOfKind('rbac.authorization.k8s.io/v1', 'ClusterRoleBinding')).toEqual({
      group: 'rbac.authorization.k8s.io',
      version: 'v1',
      resource: 'clusterrolebindings',
    });
  });

  it('marks the custom resources it knows, the Gateway API routes', () => {
    expect(resourceOfKind('gateway.networking.k8s.io/v1', 'HTTPRoute')).toEqual({
      group: 'gateway.networking.k8s.io',
      version: 'v1',
      resource: 'httproutes',
      custom: true,
    });
    expect(resourceOfKind('v1', 'ResourceQuota')).toEqual({ group: '', version: 'v1', resource: 'resourcequotas' });
  });

  it('knows nothing of other kinds or a kind in the wrong group', () => {
    expect(resourceOfKind('example.com/v1', 'Widget')).toBeUndefined();
    expect(resourceOfKind('v1', 'Deployment')).toBeUndefined();
    expect(resourceOfKind('', 'Pod')).toBeUndefined();
  });
});

describe('PolicyEvaluator', () => {
  it('applies a rule only to matching resources and operations', () => {
    const evaluator = new PolicyEvaluator();
    const denyAll = rule({ validations: [{ expression: 'false', message: 'denied' }] });
    expect(evaluator.evaluateRule(denyAll, { object: deployment })).toEqual({
      applies: true,
      violations: [{ rule: 'test-rule', message: 'denied' }],
    });
    expect(evaluator.evaluateRule(denyAll, { object: deployment, operation: 'DELETE' })).toEqual({ applies: false, violations: [] });
    expect(evaluator.evaluateRule(denyAll, { object: { ...deployment, apiVersion: 'apps/v1beta1' } }).applies).toBe(false);
    expect(evaluator.evaluateRule(denyAll, { object: { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' } } }).applies).toBe(false);
    expect(evaluator.evaluateRule(denyAll, { object: { apiVersion: 'example.com/v1', kind: 'Widget' } }).applies).toBe(false);
    expect(evaluator.evaluateRule(denyAll, { object: 'not an object' }).applies).toBe(false);
    const wildcard = rule({
      match: [{ apiGroups: ['*'], apiVersions: ['*'], resources: ['*'], operations: ['CREATE'] }],
      validations: [{ expression: 'false', message: 'denied' }],
    });
    expect(evaluator.evaluateRule(wildcard, { object: { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' } } }).applies).toBe(true);
  });

  it('matches subresources only where the rule names them, with the API server wildcards', () => {
    const evaluator = new PolicyEvaluator();
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [] } };
    const matching = (resources: string[], subResource?: string) =>
      evaluator.evaluateRule(rule({ match: [{ apiGroups: [''], apiVersions: ['v1'], resources, operations: ['UPDATE'] }] }), {
        object: pod,
        operation: 'UPDATE',
        subResource,
      }).applies;
    expect(matching(['pods'])).toBe(true);
    expect(matching(['pods'], 'ephemeralcontainers')).toBe(false);
    expect(matching(['pods/ephemeralcontainers'], 'ephemeralcontainers')).toBe(true);
    expect(matching(['pods/ephemeralcontainers'])).toBe(false);
    expect(matching(['pods/*'], 'status')).toBe(true);
    expect(matching(['*/status'], 'status')).toBe(true);
    expect(matching(['*'], 'status')).toBe(false);
    expect(matching(['*/*'], 'status')).toBe(true);
    expect(matching(['*/*'])).toBe(true);
  });

  it('skips a rule when a match condition is false, and fails closed when one errors', () => {
    const evaluator = new PolicyEvaluator();
    const conditional = (expression: string) =>
      rule({ matchConditions: [{ name: 'web-only', expression }], validations: [{ expression: 'false', message: 'denied' }] });
    expect(evaluator.evaluateRule(conditional("object.metadata.name == 'web'"), { object: deployment }).applies).toBe(true);
    expect(evaluator.evaluateRule(conditional("object.metadata.name == 'db'"), { object: deployment })).toEqual({ applies: false, violations: [] });
    const erroring = evaluator.evaluateRule(conditional('object.metadata.missing == 1'), { object: deployment });
    expect(erroring.applies).toBe(true);
    expect(erroring.violations).toHaveLength(1);
    expect(erroring.violations[0]!.message).toMatch(/^match condition web-only failed: /);
  });

  it('binds variables in order, so later variables and validations see earlier ones', () => {
    const evaluator = new PolicyEvaluator();
    const chained = rule({
      variables: [
        { name: 'replicas', expression: 'object.spec.replicas' },
        { name: 'doubled', expression: 'variables.replicas * 2' },
      ],
      validations: [
        { expression: 'variables.doubled <= 4', message: 'too many', messageExpression: "'too many replicas: ' + string(variables.doubled)" },
      ],
    });
    expect(evaluator.evaluateRule(chained, { object: deployment }).violations).toEqual([{ rule: 'test-rule', message: 'too many replicas: 6' }]);
    expect(evaluator.evaluateRule(chained, { object: { ...deployment, spec: { replicas: 2 } } }).violations).toEqual([]);
  });

  it('reads integers as ints, as the API server does', () => {
    const evaluator = new PolicyEvaluator();
    const typed = rule({
      validations: [{ expression: 'type(object.spec.replicas) == int && object.spec.replicas / 2 == 1', message: 'not an int' }],
    });
    expect(evaluator.evaluateRule(typed, { object: deployment }).violations).toEqual([]);
  });

  it('treats a failing validation as a violation and a failing variable as failing what reads it', () => {
    const evaluator = new PolicyEvaluator();
    const broken = rule({
      variables: [{ name: 'missing', expression: 'object.spec.template.spec' }],
      validations: [
        { expression: 'true', message: 'does not read the variable' },
        { expression: 'has(variables.missing.containers)', message: 'reads the broken variable' },
        { expression: 'object.spec.nope == 1', message: 'errors itself' },
        { expression: "'a string'", message: 'not a boolean' },
      ],
    });
    const { violations } = evaluator.evaluateRule(broken, { object: deployment });
    expect(violations.map((v) => v.message.replace(/ \(.*$/, ''))).toEqual(['reads the broken variable', 'errors itself', 'not a boolean']);
    expect(violations[0]!.message).toContain('(expression error: ');
    expect(violations[2]!.message).toBe('not a boolean (expression returned a non-boolean value)');
  });

  it('reports a malformed expression as a violation rather than throwing', () => {
    const evaluator = new PolicyEvaluator();
    const malformed = rule({ validations: [{ expression: 'object.spec.(', message: 'malformed' }] });
    const { violations } = evaluator.evaluateRule(malformed, { object: deployment });
    expect(violations).toHaveLength(1);
    expect(violations[0]!.message).toMatch(/^malformed \(expression error: invalid cel expression "object\.spec\.\("/);
    expect(evaluator.compileError('object.spec.(')).toEqual(expect.any(String));
    expect(evaluator.compileError('object.spec')).toBeUndefined();
  });

  it('uses the message expression when it yields a usable string, else the static message', () => {
    const evaluator = new PolicyEvaluator();
    const withMessage = (messageExpression: string, message = 'static') =>
      evaluator.evaluateRule(rule({ validations: [{ expression: 'false', message, messageExpression }] }), { object: deployment }).violations[0]!
        .message;
    expect(withMessage("'dynamic ' + object.metadata.name")).toBe('dynamic web');
    expect(withMessage('42')).toBe('static');
    expect(withMessage("'   '")).toBe('static');
    expect(withMessage("'two\\nlines'")).toBe('static');
    expect(withMessage('object.metadata.missing')).toBe('static');
    expect(withMessage('42', '')).toBe('failed expression: false');
  });

  it('binds object, oldObject and request', () => {
    const evaluator = new PolicyEvaluator();
    const inspect = rule({
      validations: [
        { expression: "request.operation == 'UPDATE'", message: 'operation' },
        { expression: "request.namespace == 'team-b'", message: 'namespace' },
        { expression: "request.userInfo.username == 'alice' && 'devs' in request.userInfo.groups", message: 'user' },
        { expression: "request.name == 'web' && request.kind.kind == 'Deployment' && request.resource.resource == 'deployments'", message: 'names' },
        { expression: 'oldObject.spec.replicas == 1 && object.spec.replicas == 3', message: 'objects' },
      ],
    });
    const update = evaluator.evaluateRule(inspect, {
      object: deployment,
      oldObject: { ...deployment, spec: { replicas: 1 } },
      operation: 'UPDATE',
      namespace: 'team-b',
      userInfo: { username: 'alice', groups: ['devs'] },
    });
    expect(update.violations).toEqual([]);
    const create = evaluator.evaluateRule(
      rule({
        validations: [
          {
            expression: "oldObject == null && request.operation == 'CREATE' && request.namespace == 'team-a' && request.userInfo.username == ''",
            message: 'defaults',
          },
        ],
      }),
      {
        object: deployment,
      },
    );
    expect(create.violations).toEqual([]);
  });

  it('leaves an empty namespace, name and subresource out of the request, as the API server does', () => {
    const evaluator = new PolicyEvaluator();
    const clusterScoped = rule({
      match: [{ apiGroups: ['rbac.authorization.k8s.io'], apiVersions: ['v1'], resources: ['clusterroles'], operations: ALL_OPERATIONS }],
      validations: [
        { expression: '!has(request.namespace) && !has(request.subResource) && request.name == "reader"', message: 'omitted' },
        { expression: "request.namespace == ''", message: 'read' },
      ],
    });
    const role = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'reader' }, rules: [] };
    expect(evaluator.evaluateRule(clusterScoped, { object: role }).violations.map((v) => v.message)).toEqual([
      expect.stringMatching(/^read \(expression error: /),
    ]);
  });

  it('binds namespaceObject: the one given, or a namespace with only its name', () => {
    const evaluator = new PolicyEvaluator();
    const labelled = rule({
      validations: [
        { expression: "namespaceObject.metadata.name == 'team-a' && namespaceObject.metadata.labels['tier'] == 'gold'", message: 'given' },
      ],
    });
    const namespaceObject = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a', labels: { tier: 'gold' } } };
    expect(evaluator.evaluateRule(labelled, { object: deployment, namespaceObject }).violations).toEqual([]);
    const bare = rule({
      validations: [{ expression: "namespaceObject.metadata.name == 'team-a' && !has(namespaceObject.metadata.labels)", message: 'default' }],
    });
    expect(evaluator.evaluateRule(bare, { object: deployment }).violations).toEqual([]);
  });

  it('leaves out empty lists of built-in kinds, as the API server re-encodes them, and keeps those of custom resources', () => {
    const evaluator = new PolicyEvaluator();
    const policy = {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'p', namespace: 'team-a' },
      spec: { podSelector: {}, egress: [{ to: [], ports: [{ port: 443 }] }] },
    };
    const noTo = rule({
      match: [{ apiGroups: ['networking.k8s.io'], apiVersions: ['v1'], resources: ['networkpolicies'], operations: ALL_OPERATIONS }],
      validations: [
        { expression: 'object.spec.egress.all(r, !has(r.to)) && has(object.spec.podSelector)', message: 'to: [] is dropped, podSelector: {} kept' },
      ],
    });
    expect(evaluator.evaluateRule(noTo, { object: policy }).violations).toEqual([]);
    const route = {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata: { name: 'r', namespace: 'team-a' },
      spec: { hostnames: [] },
    };
    const kept = rule({
      match: [{ apiGroups: ['gateway.networking.k8s.io'], apiVersions: ['v1'], resources: ['httproutes'], operations: ALL_OPERATIONS }],
      validations: [{ expression: 'has(object.spec.hostnames) && size(object.spec.hostnames) == 0', message: 'hostnames: [] kept' }],
    });
    expect(evaluator.evaluateRule(kept, { object: route }).violations).toEqual([]);
  });

  it('evaluates rules sharing variables consistently', () => {
    const evaluator = new PolicyEvaluator();
    const shared = [{ name: 'replicas', expression: 'object.spec.replicas' }];
    const rules = [
      rule({ id: 'a', variables: shared, validations: [{ expression: 'variables.replicas == 3', message: 'a' }] }),
      rule({
        id: 'b',
        variables: [...shared, { name: 'more', expression: 'variables.replicas + 1' }],
        validations: [{ expression: 'variables.more == 4', message: 'b' }],
      }),
      rule({
        id: 'c',
        variables: [{ name: 'replicas', expression: 'object.spec.replicas + 10' }],
        validations: [{ expression: 'variables.replicas == 13', message: 'c' }],
      }),
    ];
    expect(evaluator.evaluateRules(rules, { object: deployment })).toEqual([
      { applies: true, violations: [] },
      { applies: true, violations: [] },
      { applies: true, violations: [] },
    ]);
  });

  it('is also available as a function on a shared evaluator', () => {
    expect(evaluateRule(rule({ validations: [{ expression: 'false', message: 'denied' }] }), { object: deployment }).violations).toEqual([
      { rule: 'test-rule', message: 'denied' },
    ]);
  });
});

describe('CelPrograms', () => {
  it('compiles each expression once', () => {
    const programs = new CelPrograms();
    expect(programs.get('1 + 1')).toBe(programs.get('1 + 1'));
    expect(programs.get('1 + 1')({})).toBe(2n);
  });

  it('provides the strings extension', () => {
    const programs = new CelPrograms();
    expect(programs.get("['a', 'b'].join(', ') + 'X'.lowerAscii()")({})).toBe('a, bx');
  });
});
