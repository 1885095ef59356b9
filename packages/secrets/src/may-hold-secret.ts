// A top-level key as ck8s, cdk8s and kubectl write it: plain, at the start of the line, then ': ' or the line's end.
const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_.-]*:(?: |$)/;
const PLAIN_KIND = /^kind: ([A-Za-z][A-Za-z0-9]*)$/;
// YAML reads these as line breaks (or a byte-order mark); a file with one is parsed in full
const UNUSUAL = /[\r\u0085\u2028\u2029\uFEFF]/;

/**
 * False only when every document of a YAML stream is provably no Secret, no List and has no sops
 * block, read from its layout alone: each document is a block mapping whose top-level lines are plain
 * keys at column 0 (no quotes, tags, anchors, aliases, merge or complex keys), with exactly one
 * `kind: <Word>` that is neither `Secret` nor a `*List`, and no `sops` key. Anything else (JSON, flow
 * style, a quoted or escaped kind, an indented root, a directive) is true, so the caller parses it:
 * this only saves parsing the large generated files that cannot matter, it never decides a Secret.
 */
export function mayHoldSecret(text: string): boolean {
  if (UNUSUAL.test(text)) return true;
  let kinds: string[] = [];
  let content = false;
  const documentMayHold = (): boolean => content && (kinds.length !== 1 || kinds[0] === 'Secret' || kinds[0]!.endsWith('List'));
  for (const line of text.split('\n')) {
    if (line.startsWith('---') || line.startsWith('...')) {
      // only a bare marker: `--- {kind: Secret}` or `--- !!map` put content on the marker line
      if (line !== '---' && line !== '...') return true;
      if (documentMayHold()) return true;
      kinds = [];
      content = false;
      continue;
    }
    if (line === '' || line.startsWith('#')) continue;
    if (line.startsWith(' ')) {
      // nested content; a document whose first content is indented has an indented root: parse it
      if (!content) return true;
      continue;
    }
    if (!PLAIN_KEY.test(line)) return true;
    content = true;
    if (line.startsWith('sops:')) return true;
    if (line.startsWith('kind:')) {
      const kind = PLAIN_KIND.exec(line);
      if (!kind) return true;
      kinds.push(kind[1]!);
    }
  }
  return documentMayHold();
}
