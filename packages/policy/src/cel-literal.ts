/**
 * Renders strings as a CEL list literal, e.g. `['a', 'b']`, so allow-lists are written once in
 * TypeScript and embedded verbatim in the expressions.
 */
export function celStringList(values: readonly string[]): string {
  for (const value of values) {
    // Only plain identifiers-ish values are embedded; quotes or backslashes would need escaping.
    if (/['\\\n]/.test(value))
      throw new Error(`cannot embed "${value}" in a cel string literal: quotes, backslashes and line breaks are not supported`);
  }
  return `[${values.map((value) => `'${value}'`).join(', ')}]`;
}
