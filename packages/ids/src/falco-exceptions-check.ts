import { parse } from 'yaml';

/**
 * The names a pinned Falco rules file defines (scripts/falco-rule-names.mjs extracts them): its
 * rules with their exceptions' names and fields, its macros and lists, and the filter fields its
 * conditions and outputs use. Names only, with the file's source.
 */
export interface FalcoRuleNames {
  readonly source: { readonly repository: string; readonly ref: string; readonly tag: string; readonly commit: string; readonly path: string };
  readonly requiredEngineVersion: string | null;
  readonly rules: Readonly<Record<string, { readonly exceptions: Readonly<Record<string, readonly string[]>>; readonly enabled: boolean }>>;
  readonly macros: readonly string[];
  readonly lists: readonly string[];
  readonly fields: readonly string[];
}

/** Falco's comparison operators an exception may use (libsinsp's filter grammar). */
const COMPARISONS = [
  '=',
  '<',
  '<=',
  '>',
  '>=',
  'contains',
  'icontains',
  'bcontains',
  'startswith',
  'bstartswith',
  'endswith',
  'glob',
  'iglob',
  'in',
  'intersects',
  'pmatch',
];
/** Operators whose value is a list of values. */
const LIST_COMPARISONS = new Set(['in', 'intersects', 'pmatch']);
/** Negative operators: an exception that holds for every value but one turns its rule off. */
const NEGATIONS = new Set(['!=']);

const isName = (v: unknown): v is string => typeof v === 'string' && v.trim() !== '';

/**
 * Checks a rules file of exceptions against the names of the pinned rule set it refines, the way
 * Falco's loader reads it, and refuses what would turn detection off without an error: anything
 * but appended exceptions (an `enabled`, `condition` or replaced item), an exception to a rule,
 * macro or list the set does not define (Falco would refuse to start), a field the set does not
 * use, comps and values whose arity does not match the fields, negative or empty matches.
 * @returns the problems, each naming the item; empty when the file is sound
 */
export function checkFalcoExceptions(file: string, names: FalcoRuleNames): string[] {
  const set = `${names.source.tag} (${names.source.path})`;
  const problems: string[] = [];
  let items: unknown;
  try {
    items = parse(file);
  } catch (e) {
    return [`not YAML: ${(e as Error).message}`];
  }
  if (!Array.isArray(items)) return ['a falco rules file is a list of rules, macros and lists'];
  const fields = new Set(names.fields);
  items.forEach((item: Record<string, unknown>, i) => {
    const where = `item ${i}`;
    if (item === null || typeof item !== 'object') return problems.push(`${where}: not a mapping`);
    if ('macro' in item || 'list' in item) {
      const kind = 'macro' in item ? 'macro' : 'list';
      const name = item[kind];
      const known = kind === 'macro' ? names.macros : names.lists;
      if (!isName(name) || !known.includes(name)) problems.push(`${where}: ${kind} "${String(name)}" is not in ${set}`);
      // a changed macro or a longer list widens what every rule using it lets through
      return problems.push(`${where}: ${kind} "${String(name)}": the platform only appends named exceptions to rules, it never changes a ${kind}`);
    }
    if (!isName(item.rule)) return problems.push(`${where}: names no rule`);
    const at = `rule "${item.rule}"`;
    const upstream = names.rules[item.rule];
    if (!upstream) problems.push(`${at} is not in ${set}: falco would refuse to load it`);
    else if (!upstream.enabled) problems.push(`${at} is disabled in ${set}: its exceptions would do nothing`);
    const extra = Object.keys(item).filter((k) => !['rule', 'exceptions', 'override'].includes(k));
    if (extra.length > 0) problems.push(`${at}: ${extra.join(', ')} would change the rule itself (only exceptions may be appended)`);
    const override = item.override as Record<string, unknown> | undefined;
    if (!override || JSON.stringify(override) !== JSON.stringify({ exceptions: 'append' }))
      problems.push(`${at}: override must be exactly { exceptions: append }, found ${JSON.stringify(override ?? null)}`);
    if (!Array.isArray(item.exceptions) || item.exceptions.length === 0) return problems.push(`${at}: exceptions must be a non-empty list`);
    for (const [j, e] of (item.exceptions as Record<string, unknown>[]).entries()) {
      const ex = `${at}: exception ${isName(e?.name) ? `"${e.name}"` : j}`;
      if (!isName(e?.name)) problems.push(`${ex}: has no name`);
      const fieldList = Array.isArray(e.fields) ? e.fields : [e.fields];
      if (fieldList.length === 0 || !fieldList.every(isName)) {
        problems.push(`${ex}: fields must be field names`);
        continue;
      }
      for (const f of fieldList) if (!fields.has(f)) problems.push(`${ex}: field ${f} is not a field ${set} uses`);
      const known = upstream && isName(e.name) ? upstream.exceptions[e.name] : undefined;
      if (known && JSON.stringify(known) !== JSON.stringify(fieldList))
        problems.push(`${ex}: upstream defines it with fields ${known.join(', ')}, falco appends values only`);
      const comps = Array.isArray(e.comps) ? e.comps : [e.comps];
      if (comps.length !== fieldList.length) problems.push(`${ex}: ${comps.length} comps for ${fieldList.length} fields`);
      for (const c of comps) {
        if (NEGATIONS.has(c)) problems.push(`${ex}: comp ${c} matches every other value and turns the rule off`);
        else if (!COMPARISONS.includes(c)) problems.push(`${ex}: comp ${String(c)} is not one of ${COMPARISONS.join(' ')}`);
      }
      if (!Array.isArray(e.values) || e.values.length === 0) {
        problems.push(`${ex}: values must be a non-empty list of tuples`);
        continue;
      }
      for (const [k, tuple] of (e.values as unknown[]).entries()) {
        if (!Array.isArray(tuple) || tuple.length !== fieldList.length) {
          problems.push(`${ex}: value ${k} must have one entry per field (${fieldList.length})`);
          continue;
        }
        tuple.forEach((v, n) => {
          const comp = comps[n];
          const one = (x: unknown): boolean => isName(x) || (typeof x === 'number' && Number.isFinite(x));
          const ok = LIST_COMPARISONS.has(comp) ? Array.isArray(v) && v.length > 0 && v.every(one) : one(v);
          if (!ok)
            problems.push(
              `${ex}: value ${k} of ${String(fieldList[n])} must be ${LIST_COMPARISONS.has(comp) ? 'a non-empty list of' : 'one'} non-empty string or number`,
            );
        });
      }
    }
    return undefined;
  });
  return problems;
}
