/**
 * One step into a document: a mapping key, a list index, or a list element found by its key field
 * (`containers[name=app]`), which stays stable when elements are inserted before it.
 */
export type PathSegment = string | number | { readonly field: string; readonly value: string };

const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/**
 * Renders a path the way people read it: `spec.hard.cpu`, `metadata.labels["app.kubernetes.io/name"]`,
 * `spec.containers[name=app].image`, `rules[2]`.
 */
export function formatFieldPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (typeof segment === 'object') out += `[${segment.field}=${segment.value}]`;
    // keys with dots or slashes (label keys) are quoted so the path stays unambiguous
    else if (!PLAIN_KEY.test(segment)) out += `[${JSON.stringify(segment)}]`;
    else out += out.length === 0 ? segment : `.${segment}`;
  }
  return out.length === 0 ? '(document root)' : out;
}
