/** One step of an alignment: an element kept in both, removed from the first or added in the second. */
export type AlignStep =
  | { readonly op: 'same'; readonly a: number; readonly b: number }
  | { readonly op: 'removed'; readonly a: number }
  | { readonly op: 'added'; readonly b: number };

/** Above this many table cells the alignment pairs elements by position instead (bounded time and memory). */
const MAX_CELLS = 4_000_000;

/**
 * Aligns two sequences on a longest common subsequence, so an element inserted in the middle shows
 * as one addition rather than every later element changing. Deterministic for equal input.
 */
export function alignSequences<T>(a: readonly T[], b: readonly T[], equal: (x: T, y: T) => boolean): AlignStep[] {
  let start = 0;
  while (start < a.length && start < b.length && equal(a[start] as T, b[start] as T)) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && equal(a[endA - 1] as T, b[endB - 1] as T)) {
    endA--;
    endB--;
  }
  const steps: AlignStep[] = [];
  for (let i = 0; i < start; i++) steps.push({ op: 'same', a: i, b: i });
  const n = endA - start;
  const m = endB - start;
  if (n * m > MAX_CELLS) {
    for (let i = 0; i < n; i++) steps.push({ op: 'removed', a: start + i });
    for (let j = 0; j < m; j++) steps.push({ op: 'added', b: start + j });
  } else {
    // lengths[i][j]: longest common subsequence of a[start+i..endA) and b[start+j..endB)
    const lengths: Uint32Array[] = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
    for (let i = n - 1; i >= 0; i--) {
      for (let j = m - 1; j >= 0; j--) {
        lengths[i]![j] = equal(a[start + i] as T, b[start + j] as T)
          ? lengths[i + 1]![j + 1]! + 1
          : Math.max(lengths[i + 1]![j]!, lengths[i]![j + 1]!);
      }
    }
    let i = 0;
    let j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && equal(a[start + i] as T, b[start + j] as T)) {
        steps.push({ op: 'same', a: start + i++, b: start + j++ });
      } else if (i < n && (j === m || lengths[i + 1]![j]! >= lengths[i]![j + 1]!)) {
        // removals before additions, as in a unified diff
        steps.push({ op: 'removed', a: start + i++ });
      } else {
        steps.push({ op: 'added', b: start + j++ });
      }
    }
  }
  for (let k = 0; k < a.length - endA; k++) steps.push({ op: 'same', a: endA + k, b: endB + k });
  return steps;
}
