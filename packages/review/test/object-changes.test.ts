import { describe, expect, it } from 'vitest';
import { codeSpan, diffClusterFiles, diffFields, escapeMarkdown, lineDiff, renderDiffMarkdown, renderDiffText } from '../src/index.js';

const DEPLOYMENT = (image: string, extraEnv = ''): string => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: team-a
  labels:
    app.kubernetes.io/name: web
    platform.ck8s.io/component: web
spec:
  template:
    spec:
      containers:
        - name: sidecar
          image: proxy:1
        - name: app
          image: ${image}
          env:
${extraEnv}            - name: MODE
              value: prod
`;

describe('field changes', () => {
  it('names changed fields by path, list elements by their name, with old and new values', () => {
    const changes = diffClusterFiles(
      new Map([['apps/web.yaml', DEPLOYMENT('web:1')]]),
      new Map([['apps/web.yaml', DEPLOYMENT('web:2', '            - name: DEBUG\n              value: "1"\n')]]),
    );
    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatchObject({
      change: 'changed',
      kind: 'Deployment',
      namespace: 'team-a',
      name: 'web',
      file: 'apps/web.yaml',
      component: 'apps/web',
    });
    expect(changes[0]!.fields).toEqual([
      { path: 'spec.template.spec.containers[name=app].env[name=DEBUG]', change: 'added', after: { name: 'DEBUG', value: '1' } },
      { path: 'spec.template.spec.containers[name=app].image', change: 'changed', before: 'web:1', after: 'web:2' },
    ]);
  });

  it('quotes keys with dots and slashes, and aligns lists without names', () => {
    expect(
      diffFields({ metadata: { labels: { 'app.kubernetes.io/name': 'a' } } }, { metadata: { labels: { 'app.kubernetes.io/name': 'b' } } }),
    ).toEqual([{ path: 'metadata.labels["app.kubernetes.io/name"]', change: 'changed', before: 'a', after: 'b' }]);
    expect(diffFields({ resources: ['a.yaml', 'b.yaml', 'c.yaml'] }, { resources: ['a.yaml', 'x.yaml', 'b.yaml', 'c.yaml'] })).toEqual([
      { path: 'resources[1]', change: 'added', after: 'x.yaml' },
    ]);
    expect(
      diffFields(
        { rules: [{ level: 'None' }, { level: 'Metadata', verbs: ['get'] }] },
        { rules: [{ level: 'None' }, { level: 'Request', verbs: ['get'] }] },
      ),
    ).toEqual([{ path: 'rules[1].level', change: 'changed', before: 'Metadata', after: 'Request' }]);
  });

  it('reports added, removed and moved objects', () => {
    const ns = (name: string): string => `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${name}\n`;
    const changes = diffClusterFiles(
      new Map([['tenants/a.yaml', `${ns('a')}---\n${ns('b')}---\n${ns('d')}`]]),
      new Map([
        ['tenants/a.yaml', ns('a')],
        ['tenants/c.yaml', `${ns('c')}---\n${ns('b')}`],
      ]),
    );
    expect(changes.map((c) => [c.change, c.name, c.file, c.previousFile ?? null, c.fields.length])).toEqual([
      ['removed', 'd', 'tenants/a.yaml', null, 0],
      ['changed', 'b', 'tenants/c.yaml', 'tenants/a.yaml', 0],
      ['added', 'c', 'tenants/c.yaml', null, 0],
    ]);
  });

  it('names the keys of a plaintext Secret, never the values', () => {
    const secret = (data: string): string => `apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\n  namespace: team-a\nstringData:\n${data}`;
    const changes = diffClusterFiles(
      new Map([['s.yaml', secret('  password: hunter2\n  user: admin\n')]]),
      new Map([['s.yaml', secret('  password: correct-horse\n  token: tok-123\n')]]),
    );
    expect(changes[0]!.fields).toEqual([
      { path: 'stringData.password', change: 'changed', redacted: true },
      { path: 'stringData.token', change: 'added', redacted: true },
      { path: 'stringData.user', change: 'removed', redacted: true },
    ]);
    const diff = { base: 'main', baseCommit: 'f'.repeat(40), clusters: [{ cluster: 'c', status: 'changed' as const, objects: changes }] };
    for (const output of [renderDiffText(diff), renderDiffMarkdown(diff), JSON.stringify(diff)]) {
      for (const value of ['hunter2', 'admin', 'correct-horse', 'tok-123']) expect(output).not.toContain(value);
    }
    expect(renderDiffText(diff)).toContain('stringData.password: changed (value not shown)');
  });

  it('hides ciphertext wherever it appears, also outside Secrets', () => {
    expect(
      diffFields({ data: { k: 'ENC[AES256_GCM,data:abc=,iv:x,tag:y,type:str]' } }, { data: { k: 'ENC[AES256_GCM,data:def=,iv:x,tag:y,type:str]' } }),
    ).toEqual([{ path: 'data.k', change: 'changed', redacted: true }]);
  });

  it('shows a multi-line text change as a line diff with context', () => {
    const before = ['a', 'b', 'c', 'd', 'e', 'f', 'g'].join('\n');
    const after = ['a', 'b', 'c', 'D', 'e', 'f', 'g'].join('\n');
    expect(lineDiff(before, after, 1).map((l) => `${l.op}${l.text}`)).toEqual(['@...', ' c', '-d', '+D', ' e', '@...']);
  });
});

describe('markdown text', () => {
  it('escapes inline syntax and HTML, and code spans hold any text', () => {
    expect(escapeMarkdown('a <b> & c &lt; *d* [e](f) `g`')).toBe('a &lt;b&gt; & c &amp;lt; \\*d\\* \\[e\\](f) \\`g\\`');
    expect(codeSpan('x ` y')).toBe('``x ` y``');
    expect(codeSpan('`start')).toBe('`` `start ``');
  });
});
