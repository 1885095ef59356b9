/** The retention the Prometheus operator accepts (`spec.retention`), e.g. `30d`, `12h`, `1y`. */
const OPERATOR_RETENTION = /^(0|(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?)$/;

/** The size units of cluster.yaml's `observability.retentionSize`. */
const CONFIG_SIZE = /^([0-9]+)(KB|MB|GB|TB)$/;

/** The size the Prometheus operator accepts (`spec.retentionSize`). */
const OPERATOR_SIZE = /(^0|([0-9]*[.])?[0-9]+((K|M|G|T|E|P)i?)?B)$/;

/** Prometheus reads KB, MB, GB and TB as powers of 1024 (Go's units.Base2Bytes). */
const UNIT_BYTES: Record<string, number> = { KB: 2 ** 10, MB: 2 ** 20, GB: 2 ** 30, TB: 2 ** 40 };

/**
 * Headroom of the volume over the retention size: Prometheus only deletes whole blocks, and the
 * write-ahead log grows before compaction, so a volume exactly the retention size would fill up.
 */
export const STORAGE_HEADROOM_PERCENT = 20;

/**
 * `observability.retentionTime` as the operator's `retention`. The config's form (`30d`, `12h`, `2w`,
 * `1y`) is a subset of the operator's, so this only checks and passes it through.
 * @throws Error naming the value when the operator would reject it
 */
export function prometheusRetention(time: string): string {
  if (!/^[0-9]+(d|h|w|y)$/.test(time) || !OPERATOR_RETENTION.test(time)) {
    throw new Error(`retention time "${time}" is not a duration the Prometheus operator accepts (a number and d, h, w or y, e.g. 30d)`);
  }
  return time;
}

/**
 * `observability.retentionSize` as the operator's `retentionSize`. `50GB` is already the operator's
 * form and means the same to Prometheus (50 GiB), so a valid size passes through unchanged.
 * @throws Error naming the value when it is not a size the operator accepts
 */
export function prometheusRetentionSize(size: string): string {
  if (!CONFIG_SIZE.test(size) || !OPERATOR_SIZE.test(size)) {
    throw new Error(`retention size "${size}" is not a size the Prometheus operator accepts (a whole number and KB, MB, GB or TB, e.g. 50GB)`);
  }
  return size;
}

/**
 * Size of Prometheus's volume for a retention size: the size plus {@link STORAGE_HEADROOM_PERCENT} percent, in whole
 * GiB (at least 1Gi), e.g. `50GB` gives `60Gi`.
 * @throws Error naming the value when it is not a size the operator accepts
 */
export function prometheusVolumeSize(size: string): string {
  const match = CONFIG_SIZE.exec(prometheusRetentionSize(size))!;
  const bytes = Number(match[1]) * UNIT_BYTES[match[2]!]!;
  // integer arithmetic, so 50GB is exactly 60Gi and not 61Gi through a rounding error
  return `${Math.max(1, Math.ceil((bytes * (100 + STORAGE_HEADROOM_PERCENT)) / (100 * 2 ** 30)))}Gi`;
}
