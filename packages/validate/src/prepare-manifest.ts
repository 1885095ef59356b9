import { isDeepStrictEqual } from 'node:util';
import { loadYamlDocuments, type YamlDocumentsReader } from '@ck8s/core/base';
import { type Document, isMap, isScalar, parseAllDocuments } from 'yaml';
import type { ManifestFile, ValidationProblem } from './validation-problem.js';

export interface PreparedManifest {
  /** What kubeconform should read; undefined when the file holds no Kubernetes object. */
  readonly content?: string;
  /** Problems found before kubeconform runs (invalid YAML, documents that are not objects). */
  readonly problems: readonly ValidationProblem[];
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Whether a document read as data carries sops metadata (see isSopsMetadata). */
function hasSopsMetadata(doc: unknown): boolean {
  const sops = isMapping(doc) ? doc['sops'] : undefined;
  return isMapping(sops) && Object.hasOwn(sops, 'mac');
}

/** The text without each top-level `sops:` line and the indented (or blank) lines below it. */
function withoutSopsBlocks(text: string): string {
  const lines = text.split('\n');
  const last = lines.pop()!; // '' when the text ends with a newline, which stays
  const kept: string[] = [];
  let inBlock = false;
  const inside = (line: string): boolean => inBlock && (line === '' || line.startsWith(' ') || line.startsWith('\t'));
  for (const line of lines) {
    if (inside(line)) continue;
    inBlock = /^sops:[ \t]*$/.test(line);
    if (!inBlock) kept.push(line);
  }
  if (last === '' || !inside(last)) kept.push(last);
  return kept.join('\n');
}

/** The metadata sops appends to each encrypted document; `mac` is always present. */
function isSopsMetadata(value: unknown): boolean {
  return isMap(value) && value.has('mac');
}

function isEmpty(doc: Document.Parsed): boolean {
  return doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null);
}

/**
 * Turns one file into the text kubeconform should see: documents that are Kubernetes objects only,
 * with the `sops` metadata of encrypted documents removed (it is not part of the object; the
 * `ENC[...]` values stay, they are strings). Files that need no change are passed on byte for byte.
 * @param reader reads the documents of the text; a caller that reads them for checks of its own
 *   passes its reader, so the text is read once @default loadYamlDocuments
 */
export function prepareManifest(file: ManifestFile, reader: YamlDocumentsReader = { read: loadYamlDocuments }): PreparedManifest {
  // Most files need no change: when the fast reader sees only Kubernetes objects without sops
  // metadata, the text goes to kubeconform as it is, without building yaml Documents.
  const fast = reader.read(file.content);
  if (fast !== undefined && fast.length > 0 && fast.every(isMapping)) {
    if (!fast.some(hasSopsMetadata)) return { content: file.content, problems: [] };
    // sops writes its metadata as the block under a top-level `sops:` line: cut those lines, and
    // keep the cut only if the rest reads as exactly the same objects without `sops`
    const cut = withoutSopsBlocks(file.content);
    const expected = fast.map((doc) =>
      hasSopsMetadata(doc) ? Object.fromEntries(Object.entries(doc as object).filter(([key]) => key !== 'sops')) : doc,
    );
    if (isDeepStrictEqual(loadYamlDocuments(cut), expected)) return { content: cut, problems: [] };
  }
  // YAML 1.1, like the Go parser kubeconform uses: `yes`, `on` and `0755` keep their meaning.
  const docs = parseAllDocuments(file.content, { version: '1.1' });
  const problem = (message: string): ValidationProblem => ({ file: file.displayPath, kind: '', name: '', message });
  if (!Array.isArray(docs)) return { problems: [problem('is not a YAML stream')] };
  const broken = docs.flatMap((doc) => doc.errors);
  if (broken.length > 0) return { problems: broken.map((e) => problem(`invalid yaml: ${e.message.split('\n')[0]!.replace(/:$/, '')}`)) };

  const problems: ValidationProblem[] = [];
  const kept: Document.Parsed[] = [];
  let changed = false;
  docs.forEach((doc, index) => {
    if (isEmpty(doc)) {
      changed = true;
    } else if (!isMap(doc.contents)) {
      changed = true;
      problems.push(problem(`document ${index + 1} is not a Kubernetes object (a YAML mapping)`));
    } else {
      if (isSopsMetadata(doc.contents.get('sops', true))) {
        doc.contents.delete('sops');
        changed = true;
      }
      kept.push(doc);
    }
  });

  if (kept.length === 0) return { problems };
  if (!changed) return { content: file.content, problems };
  const content = kept
    .map((doc) => {
      // One `---` separator between documents, no markers or directives of their own.
      doc.directives.docStart = null;
      doc.directives.docEnd = false;
      if (doc.directives.yaml) doc.directives.yaml.explicit = false;
      return doc.toString({ lineWidth: 0 });
    })
    .join('---\n');
  return { content, problems };
}
