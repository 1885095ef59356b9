import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { evaluateManifests, POD_SECURITY_RULES, type PodSecurityLevel } from '../src/index.js';

/** A restricted-compliant pod with `spec` merged over the compliant one. */
function pod(spec: Record<string, unknown>, metadata: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', ...metadata },
    spec: {
      securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
      containers: [container('app')],
      ...spec,
    },
  };
}

function container(name: string, securityContext: Record<string, unknown> = {}, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { name, image: 'app', securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, ...securityContext }, ...extra };
}

function violations(object: unknown, level: PodSecurityLevel = 'restricted'): string[] {
  const [result] = evaluateManifests(POD_SECURITY_RULES, [{ file: 'inline', object }], { level, namespace: 'tenant-a' });
  return result!.violations.map((v) => v.policy.replace(/^ck8s-/, '')).sort();
}

function messages(object: unknown): string[] {
  const [result] = evaluateManifests(POD_SECURITY_RULES, [{ file: 'inline', object }], { namespace: 'tenant-a' });
  return result!.violations.map((v) => v.message);
}

describe('pod security semantics', () => {
  it('baseline procMount rejects Unmasked outside a user namespace (an object the API server would not accept)', () => {
    const unmasked = pod({ containers: [container('app', { procMount: 'Unmasked' })] });
    expect(violations(unmasked, 'baseline')).toEqual(['pss-proc-mount']);
    expect(violations(unmasked)).toEqual(['pss-proc-mount', 'pss-proc-mount-restricted']);
    expect(violations({ ...unmasked, spec: { ...(unmasked['spec'] as object), hostUsers: true } }, 'baseline')).toEqual(['pss-proc-mount']);
    expect(violations({ ...unmasked, spec: { ...(unmasked['spec'] as object), hostUsers: false } }, 'baseline')).toEqual([]);
    expect(messages(unmasked)).toContain('procMount must be Default unless the pod sets hostUsers=false (pod security baseline): app=Unmasked');
  });

  it('skips runAsNonRoot and runAsUser only for hostUsers: false', () => {
    const root = { securityContext: { runAsUser: 0, seccompProfile: { type: 'RuntimeDefault' } } };
    expect(violations(pod({ ...root, hostUsers: false }))).toEqual([]);
    expect(violations(pod({ ...root, hostUsers: true }))).toEqual(['pss-run-as-non-root', 'pss-run-as-user']);
    expect(violations(pod(root))).toEqual(['pss-run-as-non-root', 'pss-run-as-user']);
  });

  it('exempts windows pods from allowPrivilegeEscalation, seccomp and capabilities only', () => {
    const bare = { securityContext: {}, containers: [{ name: 'app', image: 'app' }] };
    expect(violations(pod({ ...bare, os: { name: 'windows' } }))).toEqual(['pss-run-as-non-root']);
    expect(violations(pod({ ...bare, os: { name: 'linux' } }))).toEqual([
      'pss-allow-privilege-escalation',
      'pss-capabilities-restricted',
      'pss-run-as-non-root',
      'pss-seccomp-restricted',
    ]);
    expect(violations(pod({ ...bare, os: { name: 'windows' }, hostPID: true }), 'baseline')).toEqual(['pss-host-namespaces']);
  });

  it('resolves runAsNonRoot per container against the pod level', () => {
    const spec = (podLevel: boolean | undefined, containerLevel: boolean | undefined) =>
      pod({
        securityContext: { seccompProfile: { type: 'RuntimeDefault' }, ...(podLevel === undefined ? {} : { runAsNonRoot: podLevel }) },
        containers: [container('app', containerLevel === undefined ? {} : { runAsNonRoot: containerLevel })],
      });
    expect(violations(spec(undefined, true))).toEqual([]);
    expect(violations(spec(true, undefined))).toEqual([]);
    expect(violations(spec(true, false))).toEqual(['pss-run-as-non-root']);
    expect(violations(spec(false, true))).toEqual(['pss-run-as-non-root']);
    expect(violations(spec(undefined, undefined))).toEqual(['pss-run-as-non-root']);
  });

  it('resolves seccomp per container against the pod level', () => {
    const spec = (podType: string | undefined, containerType: string | undefined) =>
      pod({
        securityContext: {
          runAsNonRoot: true,
          ...(podType ? { seccompProfile: { type: podType, ...(podType === 'Localhost' ? { localhostProfile: 'p.json' } : {}) } } : {}),
        },
        containers: [container('app', containerType ? { seccompProfile: { type: containerType } } : {})],
      });
    expect(violations(spec('Localhost', undefined))).toEqual([]);
    expect(violations(spec(undefined, 'RuntimeDefault'))).toEqual([]);
    expect(violations(spec('Unconfined', 'RuntimeDefault'))).toEqual(['pss-seccomp-baseline', 'pss-seccomp-restricted']);
    expect(violations(spec('RuntimeDefault', 'Unconfined'), 'baseline')).toEqual(['pss-seccomp-baseline']);
  });

  it('compares capabilities exactly as upstream does (ALL, not all)', () => {
    expect(violations(pod({ containers: [container('app', { capabilities: { drop: ['all'] } })] }))).toEqual(['pss-capabilities-restricted']);
    expect(violations(pod({ containers: [container('app', { capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'] } })] }))).toEqual([]);
  });

  it('checks the AppArmor annotations of the pod template, not of the workload', () => {
    const deployment = (objectAnnotations: Record<string, string>, templateAnnotations: Record<string, string>) => ({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'd', annotations: objectAnnotations },
      spec: { template: { metadata: { annotations: templateAnnotations }, spec: pod({})['spec'] as object } },
    });
    const key = 'container.apparmor.security.beta.kubernetes.io/app';
    expect(violations(deployment({ [key]: 'unconfined' }, {}))).toEqual([]);
    expect(violations(deployment({}, { [key]: 'unconfined' }))).toEqual(['pss-apparmor']);
    expect(violations(deployment({}, { [key]: '' }))).toEqual([]);
    expect(violations(deployment({}, { [key]: 'localhost/custom', 'example.com/unrelated': 'unconfined' }))).toEqual([]);
  });

  it('reads the pod template of a cronjob, with or without template metadata', () => {
    const cronjob = (template: Record<string, unknown>) => ({
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name: 'c' },
      spec: { schedule: '* * * * *', jobTemplate: { spec: { template } } },
    });
    const spec = { ...(pod({})['spec'] as object), restartPolicy: 'Never', hostIPC: true };
    expect(violations(cronjob({ spec }))).toEqual(['pss-host-namespaces']);
    expect(violations(cronjob({ metadata: { annotations: { 'container.apparmor.security.beta.kubernetes.io/app': 'unconfined' } }, spec }))).toEqual([
      'pss-apparmor',
      'pss-host-namespaces',
    ]);
  });

  it('treats a volume without a known source as restricted, like upstream', () => {
    expect(violations(pod({ volumes: [{ name: 'nothing' }] }))).toEqual(['pss-restricted-volumes']);
    expect(violations(pod({ volumes: [{ name: 'git', gitRepo: { repository: 'https://example.com/r.git' } }] }))).toEqual(['pss-restricted-volumes']);
  });

  it('ignores null fields as the API server drops them', () => {
    const object = parse(`
apiVersion: v1
kind: Pod
metadata:
  name: nulls
  annotations:
spec:
  hostNetwork:
  securityContext:
    runAsNonRoot: true
    seccompProfile:
      type: RuntimeDefault
    seLinuxOptions:
  initContainers:
  containers:
    - name: app
      image: app
      ports:
      securityContext:
        allowPrivilegeEscalation: false
        capabilities:
          drop: [ALL]
          add:
  volumes:
`);
    expect(violations(object)).toEqual([]);
  });

  it('names every offending container and value in the messages', () => {
    const object = pod({
      initContainers: [
        container('init-a', { privileged: true }),
        container('init-b', { capabilities: { drop: ['ALL'], add: ['SYS_TIME', 'NET_RAW'] } }),
      ],
      containers: [
        container(
          'app',
          { privileged: true },
          {
            ports: [
              { containerPort: 80, hostPort: 80 },
              { containerPort: 81, hostPort: 8081 },
            ],
          },
        ),
      ],
      securityContext: {
        runAsNonRoot: true,
        seccompProfile: { type: 'RuntimeDefault' },
        sysctls: [
          { name: 'kernel.msgmax', value: '1' },
          { name: 'kernel.sem', value: '1' },
        ],
      },
      volumes: [
        { name: 'a', hostPath: { path: '/a' } },
        { name: 'b', nfs: { server: 's', path: '/' } },
      ],
    });
    const text = messages(object);
    expect(text).toContain('privileged containers are not allowed (pod security baseline): app, init-a');
    expect(text).toContain('containers must not add capabilities beyond the baseline set (pod security baseline): init-b adds SYS_TIME, NET_RAW');
    expect(text).toContain('host ports are not allowed (pod security baseline): app uses 80, 8081');
    expect(text).toContain('only safe sysctls are allowed (pod security baseline): kernel.msgmax, kernel.sem');
    expect(text).toContain('hostPath volumes are not allowed (pod security baseline): a');
    expect(text).toContain('volume types outside the restricted allow-list are not allowed (pod security restricted): a (hostPath), b (nfs)');
  });
});
