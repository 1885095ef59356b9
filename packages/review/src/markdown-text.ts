/** A code span that holds any text: the backtick run is longer than any inside it, and newlines become spaces. */
export function codeSpan(text: string): string {
  const flat = text.replace(/\r?\n/g, ' ');
  const longest = Math.max(0, ...[...flat.matchAll(/`+/g)].map((m) => m[0].length));
  const ticks = '`'.repeat(longest + 1);
  const pad = flat.startsWith('`') || flat.endsWith('`') || flat.startsWith(' ') ? ' ' : '';
  return `${ticks}${pad}${flat}${pad}${ticks}`;
}

/** A fenced block that holds any lines: the fence is longer than any backtick run inside. */
export function fencedBlock(lines: readonly string[], language = ''): string {
  const longest = Math.max(0, ...lines.flatMap((l) => [...l.matchAll(/`+/g)].map((m) => m[0].length)));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return [`${fence}${language}`, ...lines, fence].join('\n');
}

/**
 * Plain text with inline Markdown and HTML syntax escaped (commit subjects, names), on one line.
 * Block syntax (`#`, `-`, `1.`) only counts at the start of a line, where this text never goes.
 */
export function escapeMarkdown(text: string): string {
  return (
    text
      .replace(/\r?\n/g, ' ')
      // an ampersand only needs escaping where it would start an entity such as &lt;
      .replace(/&(?=#?[A-Za-z0-9]+;)/g, '&amp;')
      .replace(/[\\`*_[\]|~<>]/g, (c) => (c === '<' ? '&lt;' : c === '>' ? '&gt;' : `\\${c}`))
  );
}
