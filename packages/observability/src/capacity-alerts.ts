import type { ComponentAlertGroup } from '@ck8s/core';
import { TENANT_QUOTA } from './golden-signal-specs.js';

/** kube-state-metrics: a ResourceQuota's `hard` and `used` amount per `resource`. */
export const RESOURCE_QUOTA = 'kube_resourcequota';
/** kubelet: bytes available and total of a mounted PersistentVolumeClaim (`namespace`, `persistentvolumeclaim`). */
export const VOLUME_AVAILABLE = 'kubelet_volume_stats_available_bytes';
export const VOLUME_CAPACITY = 'kubelet_volume_stats_capacity_bytes';

/** Share of a tenant's quota that warns: the next rollout may not fit. */
export const QUOTA_WARNING_RATIO = 0.9;
/** Free share of a volume below which a filling trend warns, and below which it is critical however slowly it fills. */
export const VOLUME_WARNING_FREE_RATIO = 0.15;
export const VOLUME_CRITICAL_FREE_RATIO = 0.03;

const quota = (type: string): string => `${RESOURCE_QUOTA}{resourcequota="${TENANT_QUOTA}", type="${type}"}`;
const VOLUME_BY = 'cluster, namespace, persistentvolumeclaim';
const freeRatio = `max by (${VOLUME_BY}) (${VOLUME_AVAILABLE} / ${VOLUME_CAPACITY})`;

/** Capacity alerts on what the metrics stack's own exporters see: tenant quotas and persistent volumes. */
export const CAPACITY_ALERTS: ComponentAlertGroup = {
  name: 'capacity-volumes-and-quotas',
  alerts: [
    {
      alert: 'TenantQuotaNearLimit',
      severity: 'warning',
      expr: `max by (cluster, namespace, resource) (${quota('used')} / ignoring (type) (${quota('hard')} > 0)) > ${QUOTA_WARNING_RATIO}`,
      for: '15m',
      summary: 'A tenant uses most of its quota',
      description: `Tenant namespace {{ $labels.namespace }} in cluster {{ $labels.cluster }} uses {{ $value | humanizePercentage }} of its ${TENANT_QUOTA} for {{ $labels.resource }}: new pods or volumes will be refused. Check kubectl -n {{ $labels.namespace }} describe resourcequota ${TENANT_QUOTA}, then agree with the tenant on a larger quota (cluster.yaml tenants[].quota) or a smaller footprint.`,
      metrics: { [RESOURCE_QUOTA]: 'kube-state-metrics' },
    },
    {
      alert: 'PersistentVolumeFillingUp',
      severity: 'warning',
      expr: `${freeRatio} < ${VOLUME_WARNING_FREE_RATIO} and max by (${VOLUME_BY}) (predict_linear(${VOLUME_AVAILABLE}[6h], 4 * 24 * 3600)) < 0`,
      for: '1h',
      summary: 'A persistent volume will be full within four days',
      description: `Volume claim {{ $labels.namespace }}/{{ $labels.persistentvolumeclaim }} in cluster {{ $labels.cluster }} has {{ $value | humanizePercentage }} free and fills up within four days at the rate of the last 6 hours. Find what writes to it (log store indices, registry blobs, Prometheus blocks) before expanding it.`,
      metrics: { [VOLUME_AVAILABLE]: 'kubelet', [VOLUME_CAPACITY]: 'kubelet' },
    },
    {
      alert: 'PersistentVolumeFull',
      severity: 'critical',
      expr: `${freeRatio} < ${VOLUME_CRITICAL_FREE_RATIO}`,
      for: '5m',
      summary: 'A persistent volume is almost full',
      description: `Volume claim {{ $labels.namespace }}/{{ $labels.persistentvolumeclaim }} in cluster {{ $labels.cluster }} has {{ $value | humanizePercentage }} free: its application will fail to write. Expand the claim (its StorageClass must allow expansion) or free space now.`,
      metrics: { [VOLUME_AVAILABLE]: 'kubelet', [VOLUME_CAPACITY]: 'kubelet' },
    },
  ],
};
