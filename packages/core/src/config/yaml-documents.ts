import type * as NodeCrypto from 'node:crypto';
import { createRequire } from 'node:module';
import { CORE_SCHEMA, loadAll, Type } from 'js-yaml';

// Numbers exactly as the `yaml` package's YAML 1.2 core schema resolves them: js-yaml's own int
// and float types also take binary (0b101) and lose the sign of -0. They replace js-yaml's (same tags).
const int = new Type('tag:yaml.org,2002:int', {
  kind: 'scalar',
  resolve: (data: string) => /^[-+]?[0-9]+$|^0o[0-7]+$|^0x[0-9a-fA-F]+$/.test(data),
  construct: (data: string) =>
    data.startsWith('0o') ? parseInt(data.slice(2), 8) : data.startsWith('0x') ? parseInt(data.slice(2), 16) : Number(data),
});
const float = new Type('tag:yaml.org,2002:float', {
  kind: 'scalar',
  resolve: (data: string) => /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$|^[-+]?\.(?:inf|Inf|INF)$|^\.(?:nan|NaN|NAN)$/.test(data),
  construct: (data: string) => (/nan$/i.test(data) ? Number.NaN : /inf$/i.test(data) ? (data.startsWith('-') ? -Infinity : Infinity) : Number(data)),
});
const CORE = CORE_SCHEMA.extend({ implicit: [int, float] });

/**
 * An anchor (`&name`) anywhere in the text: only then can an alias (`*name`) follow. js-yaml
 * expands aliases into shared references with no limit, so a "billion laughs" text reads fast and
 * then costs minutes to walk; such texts go to the yaml package, whose alias limit refuses them
 * with a message. A false match (such a word in a plain scalar) only costs speed.
 */
const ANCHOR = /(?:^|[\s[\]{},:-])&[\w.-]+(?=[\s[\]{},]|$)/m;

/** Text without a document: only blank and comment lines. */
const NO_CONTENT = /^(?:[ \t]*(?:#.*)?(?:\r?\n|$))*$/;

/**
 * The documents of a YAML stream as plain data, read by js-yaml with the YAML 1.2 core schema: the
 * same data the `yaml` package's default gives (no merge keys, timestamps or binary; duplicate keys
 * refused), about ten times faster, which matters for the thousands of generated files `ck8s
 * validate` reads. Undefined when js-yaml refuses the text or it holds an anchor: callers then read it with `yaml`, whose
 * errors name line and column. An empty document is `null`, a stream without documents `[]`.
 */
export function loadYamlDocuments(text: string): unknown[] | undefined {
  if (ANCHOR.test(text)) return undefined;
  try {
    const documents = loadAll(text, undefined, { schema: CORE });
    // js-yaml reads a stream of comments as one empty document; YAML (and the yaml package) as none
    return documents.length === 1 && documents[0] === null && NO_CONTENT.test(text) ? [] : documents;
  } catch {
    return undefined;
  }
}

// node:crypto loads sixteen modules (10 ms): loaded on the first digest, so a short command that
// never digests (the secrets check) does not pay for it
let createHash: typeof NodeCrypto.createHash | undefined;

/** A text's identity for caches and comparisons: texts are compared by digest, so none has to stay in memory. */
export function textDigest(text: string): string {
  createHash ??= (createRequire(import.meta.url)('node:crypto') as typeof NodeCrypto).createHash;
  return createHash('sha256').update(text).digest('base64');
}

/** Reads the documents of a text as loadYamlDocuments does, maybe from what it kept. */
export interface YamlDocumentsReader {
  read(text: string): unknown[] | undefined;
}

/**
 * loadYamlDocuments for many files of which many are copies (a fleet's clusters share most of
 * their generated files): a text met a second time is kept read, so it is read at most twice and
 * memory holds the documents of repeated texts only. Texts are known by their sha256 (with
 * keepAll, by themselves). Kept documents are shared between the copies: callers must not change them.
 */
export class RepeatedYamlReader implements YamlDocumentsReader {
  private readonly seen = new Set<string>();
  private readonly kept = new Map<string, unknown[] | undefined>();

  /**
   * @param keepAll keep every text's documents from its first read, for a set of small files read
   *   twice in one pass (sops files under secrets/ and their copies in clusters/) @default false
   */
  constructor(private readonly keepAll = false) {}

  /** The documents of the text, as loadYamlDocuments gives them. */
  read(text: string): unknown[] | undefined {
    // a small set kept whole is looked up by its texts: no hashing, and a short command such as the
    // secrets check never loads node:crypto
    const key = this.keepAll ? text : textDigest(text);
    if (this.kept.has(key)) return this.kept.get(key);
    const documents = loadYamlDocuments(text);
    if (this.keepAll || this.seen.has(key)) this.kept.set(key, documents);
    else this.seen.add(key);
    return documents;
  }
}
