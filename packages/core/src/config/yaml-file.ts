import type { ConfigProblem } from './config-error.js';
import { redactUrlCredentials } from './url-credentials.js';
import { loadYamlDocuments } from './yaml-documents.js';
import { yamlPackage } from './yaml-package.js';

// Reading a YAML file and showing a bad value, apart from the cluster config schema: commands that
// read the repository without validating cluster.yaml (`ck8s secrets check`) load no schema.

/** Parses YAML text into plain data, reporting syntax errors and duplicate keys with line and column. */
export function parseYamlFile(text: string, file: string): { data: unknown; problems: ConfigProblem[] } {
  const fast = loadYamlDocuments(text);
  // one document (or none) that js-yaml read: the common case, without building a yaml Document
  if (fast !== undefined && fast.length <= 1) {
    const data = fast[0];
    if (data === undefined) return { data: {}, problems: [] };
    if (data !== null && typeof data === 'object' && !Array.isArray(data)) return { data, problems: [] };
  }
  const { isMap, LineCounter, parseDocument } = yamlPackage();
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  const problems = doc.errors.map((e) => {
    const pos = lineCounter.linePos(e.pos[0]);
    return { file, path: `line ${pos.line} column ${pos.col}`, message: `invalid YAML: ${firstLine(e.message)}` };
  });
  if (problems.length > 0) return { data: undefined, problems };
  if (doc.contents !== null && !isMap(doc.contents)) {
    return { data: undefined, problems: [{ file, path: '(document root)', message: 'must be a mapping of fields' }] };
  }
  try {
    return { data: doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) ?? {}, problems: [] };
  } catch (e) {
    // the yaml library refuses documents whose aliases expand without bound ("billion laughs")
    return { data: undefined, problems: [{ file, path: '(document root)', message: `cannot be read: ${firstLine((e as Error).message)}` }] };
  }
}

/** Alias expansions a document may need; a hand-written cluster.yaml needs a few at most. */
const MAX_ALIAS_COUNT = 100;

function firstLine(message: string): string {
  const line = message.split('\n')[0] ?? message;
  return line.charAt(0).toLowerCase() + line.slice(1);
}

/** Shows a bad value compactly: strings quoted, long values cut, credentials in URLs replaced by `***`. */
export function showValue(value: unknown): string {
  const text = redactUrlCredentials(JSON.stringify(value) ?? String(value));
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
