import { describe, expect, it } from 'vitest';
import { conditionsOf, toObjects } from '../src/kube-client.js';

describe('toObjects', () => {
  it('reads every object of a multi-document YAML string and skips empty documents', () => {
    const objects = toObjects(
      '---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n---\n# comment only\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n  namespace: a\n',
    );
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(['Namespace/a', 'ConfigMap/b']);
  });

  it('refuses documents that are not Kubernetes objects', () => {
    expect(() => toObjects('kind: ConfigMap\n')).toThrow('not a Kubernetes object');
    expect(() => toObjects('a: [\n')).toThrow('invalid YAML');
  });
});

describe('conditionsOf', () => {
  it('returns status.conditions, or nothing', () => {
    const ready = { type: 'Ready', status: 'True' };
    expect(conditionsOf({ apiVersion: 'v1', kind: 'X', metadata: { name: 'x' }, status: { conditions: [ready] } })).toEqual([ready]);
    expect(conditionsOf(undefined)).toEqual([]);
  });
});
