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
      tests: [
        {
          name: 'fires for a tenant at 95 % of its CPU quota',
          series: {
            [`${RESOURCE_QUOTA}{cluster="wc", namespace="team-a", resourcequota="${TENANT_QUOTA}", resource="requests.cpu", type="used"}`]: '9.5x20',
            [`${RESOURCE_QUOTA}{cluster="wc", namespace="team-a", resourcequota="${TENANT_QUOTA}", resource="requests.cpu", type="hard"}`]: '10x20',
          },
          at: '17m',
          fires: [
            {
              labels: { cluster: 'wc', namespace: 'team-a', resource: 'requests.cpu' },
              description:
                'Tenant namespace team-a in cluster wc uses 95% of its tenant-quota for requests.cpu: new pods or volumes will be refused. Check kubectl -n team-a describe resourcequota tenant-quota, then agree with the tenant on a larger quota (cluster.yaml tenants[].quota) or a smaller footprint.',
            },
          ],
        },
        {
          name: 'stays quiet at half its quota',
          series: {
            [`${RESOURCE_QUOTA}{cluster="wc", namespace="team-a", resourcequota="${TENANT_QUOTA}", resource="requests.cpu", type="used"}`]: '5x20',
            [`${RESOURCE_QUOTA}{cluster="wc", namespace="team-a", resourcequota="${TENANT_QUOTA}", resource="requests.cpu", type="hard"}`]: '10x20',
          },
          at: '17m',
          fires: [],
        },
      ],
    },
    {
      alert: 'PersistentVolumeFillingUp',
      severity: 'warning',
      expr: `${freeRatio} < ${VOLUME_WARNING_FREE_RATIO} and max by (${VOLUME_BY}) (predict_linear(${VOLUME_AVAILABLE}[6h], 4 * 24 * 3600)) < 0`,
      for: '1h',
      summary: 'A persistent volume will be full within four days',
      description: `Volume claim {{ $labels.namespace }}/{{ $labels.persistentvolumeclaim }} in cluster {{ $labels.cluster }} has {{ $value | humanizePercentage }} free and fills up within four days at the rate of the last 6 hours. Find what writes to it (log store indices, registry blobs, Prometheus blocks) before expanding it.`,
      metrics: { [VOLUME_AVAILABLE]: 'kubelet', [VOLUME_CAPACITY]: 'kubelet' },
      tests: [
        {
          name: 'fires for a volume with 13 % free losing 300 MB an hour',
          series: {
            [`${VOLUME_AVAILABLE}{cluster="sc", namespace="harbor", persistentvolumeclaim="harbor-registry"}`]: '14000000000-5000000x130',
            [`${VOLUME_CAPACITY}{cluster="sc", namespace="harbor", persistentvolumeclaim="harbor-registry"}`]: '100000000000x130',
          },
          at: '2h',
          fires: [
            {
              labels: { cluster: 'sc', namespace: 'harbor', persistentvolumeclaim: 'harbor-registry' },
              description:
                'Volume claim harbor/harbor-registry in cluster sc has 13.4% free and fills up within four days at the rate of the last 6 hours. Find what writes to it (log store indices, registry blobs, Prometheus blocks) before expanding it.',
            },
          ],
        },
        {
          name: 'stays quiet for a volume with 14 % free that does not grow',
          series: {
            [`${VOLUME_AVAILABLE}{cluster="sc", namespace="harbor", persistentvolumeclaim="harbor-registry"}`]: '14000000000x130',
            [`${VOLUME_CAPACITY}{cluster="sc", namespace="harbor", persistentvolumeclaim="harbor-registry"}`]: '100000000000x130',
          },
          at: '2h',
          fires: [],
        },
      ],
    },
    {
      alert: 'PersistentVolumeFull',
      severity: 'critical',
      expr: `${freeRatio} < ${VOLUME_CRITICAL_FREE_RATIO}`,
      for: '5m',
      summary: 'A persistent volume is almost full',
      description: `Volume claim {{ $labels.namespace }}/{{ $labels.persistentvolumeclaim }} in cluster {{ $labels.cluster }} has {{ $value | humanizePercentage }} free: its application will fail to write. Expand the claim (its StorageClass must allow expansion) or free space now.`,
      metrics: { [VOLUME_AVAILABLE]: 'kubelet', [VOLUME_CAPACITY]: 'kubelet' },
      tests: [
        {
          name: 'fires for a volume with 2 % free',
          series: {
            [`${VOLUME_AVAILABLE}{cluster="sc", namespace="harbor", persistentvolumeclaim="harbor-registry"}`]: '2000000000x10',
            [`${VOLUME_CAPACITY}{cluster="sc", namespace="harbor", persistentvolumeclaim="harbor-registry"}`]: '100000000000x10',
          },
          at: '7m',
          fires: [
            {
              labels: { cluster: 'sc', namespace: 'harbor', persistentvolumeclaim: 'harbor-registry' },
              description:
                'Volume claim harbor/harbor-registry in cluster sc has 2% free: its application will fail to write. Expand the claim (its StorageClass must allow expansion) or free space now.',
            },
          ],
        },
        {
          name: 'stays quiet with 10 % free',
          series: {
            [`${VOLUME_AVAILABLE}{cluster="sc", namespace="harbor", persistentvolumeclaim="harbor-registry"}`]: '10000000000x10',
            [`${VOLUME_CAPACITY}{cluster="sc", namespace="harbor", persistentvolumeclaim="harbor-registry"}`]: '100000000000x10',
          },
          at: '7m',
          fires: [],
        },
      ],
    },
  ],
};

/** node-exporter: bytes available to unprivileged users per filesystem (`mountpoint`, `device`, `fstype`). */
export const FILESYSTEM_AVAILABLE = 'node_filesystem_avail_bytes';

/** Capacity alerts on the nodes' own filesystems (node-exporter). */
export const NODE_CAPACITY_ALERTS: ComponentAlertGroup = {
  name: 'capacity',
  alerts: [
    {
      alert: 'NodeFilesystemFillingUp',
      severity: 'warning',
      expr: `predict_linear(${FILESYSTEM_AVAILABLE}{fstype!~"tmpfs|overlay"}[6h], 24 * 3600) < 0`,
      for: '1h',
      summary: 'A filesystem will be full within 24 hours',
      description:
        'Filesystem {{ $labels.mountpoint }} ({{ $labels.device }}) on {{ $labels.instance }} in cluster {{ $labels.cluster }} will run out of space within 24 hours at the rate of the last 6 hours.',
      metrics: { [FILESYSTEM_AVAILABLE]: 'node-exporter' },
      tests: [
        {
          name: 'fires for a filesystem losing 6 GB an hour with 100 GB free',
          series: {
            [`${FILESYSTEM_AVAILABLE}{cluster="sc", instance="node-1:9100", mountpoint="/", device="/dev/sda1", fstype="ext4"}`]:
              '100000000000-100000000x130',
          },
          at: '2h',
          fires: [
            {
              labels: { cluster: 'sc', instance: 'node-1:9100', mountpoint: '/', device: '/dev/sda1', fstype: 'ext4' },
              description:
                'Filesystem / (/dev/sda1) on node-1:9100 in cluster sc will run out of space within 24 hours at the rate of the last 6 hours.',
            },
          ],
        },
        {
          name: 'stays quiet for a steady filesystem',
          series: {
            [`${FILESYSTEM_AVAILABLE}{cluster="sc", instance="node-1:9100", mountpoint="/", device="/dev/sda1", fstype="ext4"}`]: '100000000000x130',
          },
          at: '2h',
          fires: [],
        },
      ],
    },
  ],
};
