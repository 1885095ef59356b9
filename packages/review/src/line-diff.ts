import { alignSequences } from './align-sequences.js';

/** A line of a unified diff: kept (' '), removed ('-'), added ('+'), or '@' for a skipped stretch of unchanged lines. */
export interface DiffLine {
  readonly op: ' ' | '-' | '+' | '@';
  readonly text: string;
}

/** The changed lines of two texts with `context` unchanged lines around each change, like `diff -u`. */
export function lineDiff(before: string, after: string, context = 2): DiffLine[] {
  const a = lines(before);
  const b = lines(after);
  const steps = alignSequences(a, b, (x, y) => x === y);
  const all: DiffLine[] = steps.map((s) =>
    s.op === 'same' ? { op: ' ', text: a[s.a]! } : s.op === 'removed' ? { op: '-', text: a[s.a]! } : { op: '+', text: b[s.b]! },
  );
  const keep = all.map(() => false);
  all.forEach((line, i) => {
    if (line.op === ' ') return;
    for (let k = Math.max(0, i - context); k <= Math.min(all.length - 1, i + context); k++) keep[k] = true;
  });
  const out: DiffLine[] = [];
  let skipped = false;
  all.forEach((line, i) => {
    if (keep[i]) {
      if (skipped) out.push({ op: '@', text: '...' });
      skipped = false;
      out.push(line);
    } else {
      skipped = true;
    }
  });
  // a hidden stretch at the end is marked too, so the reader knows lines follow
  if (skipped && out.length > 0) out.push({ op: '@', text: '...' });
  return out;
}

/** A text's lines; the empty string after a final newline is not a line. */
function lines(text: string): string[] {
  const out = text.split('\n');
  if (out.length > 1 && out[out.length - 1] === '') out.pop();
  return out;
}
