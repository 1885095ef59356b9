/**
 * The kinds of log the platform ships and how their indices are named. Fluent Bit writes one
 * index per kind, cluster and day (`app-<cluster>-YYYY.MM.DD`, `audit-<cluster>-YYYY.MM.DD`);
 * falcosidekick writes `falco-YYYY.MM.DD`. Daily indices are the unit retention deletes: OpenSearch
 * index state management can drop a whole index but never the old documents inside one.
 */
export const LOG_KINDS = ['app', 'audit'] as const;
export type LogKind = (typeof LOG_KINDS)[number];

/** Index patterns that hold logs: retention, snapshots and the log roles cover exactly these. */
export const LOG_INDEX_PATTERNS: readonly string[] = ['app-*', 'audit-*', 'falco*'];

/** Index prefix of one kind of log of one cluster, e.g. `audit-demo-wc`; the forwarder appends the day. */
export function logIndexPrefix(kind: LogKind, clusterName: string): string {
  return `${kind}-${clusterName}`;
}
