// A top-level key as ck8s, cdk8s and kubectl write it: plain, at the start of the line, then ': ' or the line's end.
const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_.-]*:(?: |$)/;
const PLAIN_KIND = /^kind: ([A-Za-z][A-Za-z0-9]*)$/;
// YAML reads these as line breaks (or a byte-order mark); a file with one is parsed in full
const UNUSUAL = /[\r\u0085\u2028\u2029\uFEFF]/;
// a line that does not start with a space and is not empty; and, between two of them, an indented one
const TOP_LEVEL_LINE = /^[^ \n][^\n]*/gm;
const INDENTED_LINE = /^ /m;

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
  // the regex engine finds the top-level lines (the few that matter): generated files are mostly indented lines
  let previousEnd = 0;
  for (const match of text.matchAll(TOP_LEVEL_LINE)) {
    const line = match[0];
    // nested content; a document whose first content is indented has an indented root: parse it
    if (!content && INDENTED_LINE.test(text.slice(previousEnd, match.index))) return true;
    previousEnd = match.index + line.length;
    if (line.startsWith('---') || line.startsWith('...')) {
      // only a bare marker: `--- {kind: Secret}` or `--- !!map` put content on the marker line
      if (line !== '---' && line !== '...') return true;
      if (documentMayHold()) return true;
      kinds = [];
      content = false;
      continue;
    }
    if (line.startsWith('#')) continue;
    if (!PLAIN_KEY.test(line)) return true;
    content = true;
    if (line.startsWith('sops:')) return true;
    if (line.startsWith('kind:')) {
      const kind = PLAIN_KIND.exec(line);
      if (!kind) return true;
      kinds.push(kind[1]!);
    }
  }
  if (!content && INDENTED_LINE.test(text.slice(previousEnd))) return true;
  return documentMayHold();
}
