import { LOG_INDEX_PATTERNS } from './log-indices.js';

/** Id of the index state management policy that enforces log retention. */
export const RETENTION_POLICY_ID = 'ck8s-retention';

/** Name of the composable index template of the log indices. */
export const LOG_INDEX_TEMPLATE = 'ck8s-logs';

/**
 * The ISM policy `ck8s-retention` (body of `PUT _plugins/_ism/policies/ck8s-retention`). Through its
 * `ism_template` it attaches itself to every new index matching `app-*`, `audit-*` or `falco*`.
 * Each of those is one day of one kind of log (of one cluster for app and audit), because the
 * forwarders name indices by date: that daily switch is the rollover, so no write alias is needed
 * and the writers keep the narrow permission of creating their own index.
 *
 * An index moves from `hot` to `delete`, and is deleted, as soon as either holds:
 * - `min_index_age: <retentionDays>d`: the index was created `logging.retentionDays` days ago, so its
 *   newest record is at least `retentionDays - 1` days and its oldest at most `retentionDays + 1`
 *   days old when ISM deletes it;
 * - `min_size: <retentionSize>`: the index by itself holds `logging.retentionSize` of primary shard
 *   storage, replicas not counted (what ISM measures). "50gb" thus means: no single index, one day
 *   of one kind of log, may grow past 50 GB of primary data (100 GB on disk with one replica); one
 *   that does is deleted, even while it is still written, so a log storm cannot fill the disks.
 *   ISM evaluates every index on its own and cannot add up an index set: the set as a whole is
 *   bounded by `retentionDays` times the daily volume, and disk alerts must cover the rest.
 *
 * ISM checks its conditions every 5 minutes (`plugins.index_state_management.job_interval`).
 * Indices that exist before the policy is created are not attached; a changed policy applies to
 * new indices only (existing ones need `_plugins/_ism/change_policy`).
 */
export function retentionPolicy(retention: { readonly days: number; readonly size: string }): Record<string, unknown> {
  const { days: retentionDays, size: retentionSize } = retention;
  return {
    policy: {
      description: `ck8s log retention: delete a log index ${retentionDays} days after its creation, or once it holds ${retentionSize} of primary data`,
      default_state: 'hot',
      states: [
        {
          name: 'hot',
          actions: [],
          transitions: [
            { state_name: 'delete', conditions: { min_index_age: `${retentionDays}d` } },
            { state_name: 'delete', conditions: { min_size: retentionSize } },
          ],
        },
        { name: 'delete', actions: [{ delete: {} }], transitions: [] },
      ],
      ism_template: [{ index_patterns: [...LOG_INDEX_PATTERNS], priority: 100 }],
    },
  };
}

/**
 * The index template of the log indices (body of `PUT _index_template/ck8s-logs`): one shard per
 * daily index and one replica. The retention policy attaches through its own `ism_template`, not
 * through the deprecated `policy_id` index setting.
 */
export function logIndexTemplate(): Record<string, unknown> {
  return {
    index_patterns: [...LOG_INDEX_PATTERNS],
    priority: 100,
    template: {
      settings: { number_of_shards: 1, number_of_replicas: 1 },
    },
    _meta: { description: 'ck8s log indices', managed_by: 'ck8s' },
  };
}
