import type { CelInput } from '@bufbuild/cel';

/** A Kubernetes object as CEL reads it: maps, lists, strings, booleans, ints (bigint) and doubles. */
export type CelObject = Map<string, CelObjectValue>;
export type CelObjectValue = CelObject | CelObjectValue[] | string | boolean | bigint | number;

export interface ToCelObjectOptions {
  /**
   * Leave out fields whose value is an empty list, as the API server does for built-in kinds: it
   * decodes them into Go types whose lists are (nearly all) `omitempty`, so `to: []` reaches CEL as
   * no `to` at all. Custom resources keep an empty list as sent.
   * @default false
   */
  readonly dropEmptyLists?: boolean;
}

/**
 * Converts a parsed manifest into what the API server hands to CEL: it decodes into typed objects,
 * so null fields are absent (has() is false) and integers are ints, not doubles. Maps and lists are
 * built once, so repeated evaluations do not convert them again.
 */
export function toCelObject(value: unknown, options: ToCelObjectOptions = {}): CelObjectValue | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'number') return Number.isSafeInteger(value) ? BigInt(value) : value;
  if (typeof value === 'string' || typeof value === 'boolean' || typeof value === 'bigint') return value;
  if (Array.isArray(value)) {
    const items: CelObjectValue[] = [];
    for (const item of value) {
      const converted = toCelObject(item, options);
      if (converted !== undefined) items.push(converted);
    }
    return items;
  }
  if (value instanceof Map) return toCelObject(Object.fromEntries(value), options);
  if (typeof value === 'object') {
    const map: CelObject = new Map();
    for (const [key, field] of Object.entries(value)) {
      const converted = toCelObject(field, options);
      if (converted === undefined || (options.dropEmptyLists && Array.isArray(converted) && converted.length === 0)) continue;
      map.set(key, converted);
    }
    return map;
  }
  // Dates, functions and the like never come out of a Kubernetes manifest.
  throw new Error(`unsupported value in kubernetes object: ${Object.prototype.toString.call(value)}`);
}

/** The converted object as a CEL binding. */
export function celInput(value: CelObjectValue | undefined): CelInput {
  return value ?? null;
}
