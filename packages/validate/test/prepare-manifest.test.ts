import { parse, parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { prepareManifest } from '../src/index.js';

const file = (content: string) => ({ displayPath: 'clusters/dev/x.yaml', content });

describe('prepareManifest', () => {
  it('passes a file that needs no change on byte for byte', () => {
    const content =
      '# comment\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata:\n  flag: yes\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\n';
    expect(prepareManifest(file(content))).toEqual({ content, problems: [] });
  });

  it("reads the text through the caller's reader, once", () => {
    const content = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n';
    const reads: string[] = [];
    const reader = { read: (text: string) => (reads.push(text), [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' } }]) };
    expect(prepareManifest(file(content), reader)).toEqual({ content, problems: [] });
    expect(reads).toEqual([content]);
  });

  it('drops the sops metadata of every encrypted document and keeps the ENC values and YAML 1.1 scalars', () => {
    const secret = (name: string): string =>
      `apiVersion: v1\nkind: Secret\nmetadata:\n  name: ${name}\ndata:\n  token: ENC[AES256_GCM,data:abc=,iv:def=,tag:ghi=,type:str]\nstringData:\n  enabled: yes\n  mode: "0755"\nsops:\n  mac: ENC[AES256_GCM,data:mac]\n  version: 3.13.3\n  age:\n    - recipient: age1abc\n      enc: |\n        -----BEGIN AGE ENCRYPTED FILE-----\n        -----END AGE ENCRYPTED FILE-----\n`;
    const prepared = prepareManifest(file(`${secret('one')}---\n${secret('two')}`));
    expect(prepared.problems).toEqual([]);
    const docs = parseAllDocuments(prepared.content!, { version: '1.1' }).map((d) => d.toJS() as Record<string, unknown>);
    expect(docs).toHaveLength(2);
    for (const doc of docs) {
      expect(doc.sops).toBeUndefined();
      expect(doc.data).toEqual({ token: 'ENC[AES256_GCM,data:abc=,iv:def=,tag:ghi=,type:str]' });
      // `yes` must stay the same YAML 1.1 scalar kubeconform's Go parser reads, quoted strings stay strings.
      expect(doc.stringData).toEqual({ enabled: true, mode: '0755' });
    }
    expect(prepared.content).toContain('enabled: yes');
    expect(prepared.content).toContain('mode: "0755"');
  });

  it('cuts the sops block out of the text as sops writes it, keeping every other byte', () => {
    const body =
      'apiVersion: v1\nkind: Secret\nmetadata:\n    name: a\n    namespace: b\ndata:\n    key: ENC[AES256_GCM,data:abc=,iv:def=,tag:ghi=,type:str]\ntype: Opaque\n';
    const sops =
      'sops:\n    age:\n        - enc: |\n            -----BEGIN AGE ENCRYPTED FILE-----\n\n            -----END AGE ENCRYPTED FILE-----\n          recipient: age1abc\n    mac: ENC[AES256_GCM,data:mac]\n    version: 3.13.3\n';
    expect(prepareManifest(file(`${body}${sops}`))).toEqual({ content: body, problems: [] });
    // a block in the middle of a document, and one per document of a stream
    expect(prepareManifest(file(`apiVersion: v1\n${sops}kind: Secret\n---\n${body}${sops}`))).toEqual({
      content: `apiVersion: v1\nkind: Secret\n---\n${body}`,
      problems: [],
    });
  });

  it('rewrites the documents when cutting lines would not remove exactly the sops metadata', () => {
    for (const content of [
      'apiVersion: v1\nkind: Secret\nsops: {mac: "ENC[AES256_GCM,data:mac]", version: 3.13.3}\n',
      'apiVersion: v1\nkind: Secret\nsops:\n# a comment at the margin\n    mac: ENC[AES256_GCM,data:mac]\n',
    ]) {
      const prepared = prepareManifest(file(content));
      expect(prepared.problems).toEqual([]);
      expect(parse(prepared.content!)).toEqual({ apiVersion: 'v1', kind: 'Secret' });
    }
  });

  it('leaves a top-level sops key that is not sops metadata, so strict validation still sees it', () => {
    const content = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\nsops: oops\n';
    expect(prepareManifest(file(content)).content).toBe(content);
  });

  it('drops empty documents and reports documents that are not objects', () => {
    const prepared = prepareManifest(file('---\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n---\njust a string\n---\nnull\n'));
    expect(prepared.problems).toEqual([
      { file: 'clusters/dev/x.yaml', kind: '', name: '', message: 'document 3 is not a Kubernetes object (a YAML mapping)' },
    ]);
    expect(parse(prepared.content!)).toEqual({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'a' } });
  });

  it('has nothing to validate in an empty file', () => {
    expect(prepareManifest(file(''))).toEqual({ problems: [] });
    expect(prepareManifest(file('# only a comment\n'))).toEqual({ problems: [] });
  });

  it('reports invalid YAML with its position', () => {
    const prepared = prepareManifest(file('apiVersion: v1\nkind: [Secret\n'));
    expect(prepared.content).toBeUndefined();
    expect(prepared.problems[0]).toEqual(
      expect.objectContaining({ file: 'clusters/dev/x.yaml', message: expect.stringMatching(/^invalid yaml: .*line \d+, column \d+$/) }),
    );
  });
});
