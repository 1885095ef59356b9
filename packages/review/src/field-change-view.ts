import { stringify } from 'yaml';
import type { ChangeKind, FieldChange } from './field-changes.js';
import { lineDiff } from './line-diff.js';

/** Values up to this length are shown on the field's line; longer ones as lines below it. */
const INLINE_LIMIT = 80;

/** A field change prepared for display, shared by the text and Markdown renderers. */
export interface FieldChangeView {
  readonly path: string;
  readonly change: ChangeKind;
  /** The old value on one line (JSON), when short enough. @default none */
  readonly before?: string;
  /** The new value on one line (JSON), when short enough. @default none */
  readonly after?: string;
  /** Said instead of values, e.g. `value not shown`. @default none */
  readonly note?: string;
  /** Lines shown below the field as a diff (each starting with ' ', '-', '+' or '…'). @default none */
  readonly lines?: readonly string[];
}

export const REDACTED_NOTE = 'value not shown';

export function viewFieldChange(c: FieldChange): FieldChangeView {
  if (c.redacted) return { path: c.path, change: c.change, note: REDACTED_NOTE };
  const before = inline(c.before);
  const after = inline(c.after);
  const fits = (c.change === 'added' || before !== undefined) && (c.change === 'removed' || after !== undefined);
  if (fits)
    return {
      path: c.path,
      change: c.change,
      ...(c.change !== 'added' ? { before: before! } : {}),
      ...(c.change !== 'removed' ? { after: after! } : {}),
    };
  const old = c.change === 'added' ? [] : valueLines(c.before);
  const current = c.change === 'removed' ? [] : valueLines(c.after);
  const lines =
    c.change === 'changed'
      ? lineDiff(old.join('\n'), current.join('\n')).map((l) => (l.op === '@' ? '…' : `${l.op}${l.text}`))
      : c.change === 'added'
        ? current.map((l) => `+${l}`)
        : old.map((l) => `-${l}`);
  return { path: c.path, change: c.change, lines };
}

function inline(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string' && value.includes('\n')) return undefined;
  const text = JSON.stringify(value);
  return text.length <= INLINE_LIMIT ? text : undefined;
}

/** A value as lines: text as it is, anything else as YAML. */
function valueLines(value: unknown): string[] {
  const text = typeof value === 'string' ? value : stringify(value, { lineWidth: 0 }).replace(/\n$/, '');
  return text.split('\n');
}

/** The field on one line without markup: `spec.hard.cpu: "8" → "4"`, `data.password: changed (value not shown)`. */
export function fieldLine(v: FieldChangeView): string {
  if (v.note) return `${v.path}: ${v.change} (${v.note})`;
  if (v.lines) return `${v.path}: ${v.change}`;
  if (v.change === 'added') return `${v.path}: added ${v.after}`;
  if (v.change === 'removed') return `${v.path}: removed (was ${v.before})`;
  return `${v.path}: ${v.before} → ${v.after}`;
}
