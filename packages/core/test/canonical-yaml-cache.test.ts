import { describe, expect, it, vi } from 'vitest';
import { toYamlStream } from '../src/index.js';
import type * as JsYaml from 'js-yaml';

// count the documents js-yaml really writes
const yamlWrites = vi.hoisted(() => ({ count: 0 }));
vi.mock('js-yaml', async (importOriginal) => {
  const actual = await importOriginal<typeof JsYaml>();
  return { ...actual, dump: (...args: Parameters<typeof actual.dump>) => (yamlWrites.count++, actual.dump(...args)) };
});

describe('toYamlStream across a fleet', () => {
  it('writes each distinct object once and gives every later copy the same text', () => {
    // the same in every cluster (a fresh object each time, as every synth makes them)
    const policy = () => ({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'shared', namespace: 'x' },
      data: { rule: 'deny', owner: 'platform' },
    });
    const own = (cluster: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: cluster }, data: { cluster } });
    const before = yamlWrites.count;
    const texts = ['a', 'b', 'c', 'd'].map((c) => toYamlStream([policy(), own(c)]));
    expect(yamlWrites.count - before).toBe(1 + 4);
    expect(new Set(texts.map((t) => t.split('---\n')[0])).size).toBe(1);
    expect(texts[3]).toBe(`${toYamlStream([policy()])}---\n${'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: d\ndata:\n  cluster: d\n'}`);
  });

  it('tells apart values that JSON cannot', () => {
    const text = (value: unknown) => toYamlStream([{ data: { value } }]);
    expect(text(0)).toContain('value: 0\n');
    expect(text(-0)).toContain('value: -0.0\n');
    expect(text(Number.NaN)).toContain('value: .nan\n');
    expect(text(null)).toContain('value: null\n');
    expect(text(Infinity)).toContain('value: .inf\n');
    expect(text(0)).toContain('value: 0\n');
    // a Date's JSON is its time, but only its fields are kept (none)
    expect(text('2024-05-01T00:00:00.000Z')).toContain('value: "2024-05-01T00:00:00.000Z"\n');
    expect(text(new Date('2024-05-01T00:00:00.000Z'))).toContain('value: {}\n');
    // the same object with its keys in another order is the same text
    expect(toYamlStream([{ kind: 'A', apiVersion: 'v1' }])).toBe(toYamlStream([{ apiVersion: 'v1', kind: 'A' }]));
  });
});
