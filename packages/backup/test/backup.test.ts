import { ChartCatalog } from '@ck8s/core';
import { App } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { connect } from '../../../test-support/connect.js';
import { BACKUP_TIME_ZONE, BackupSchedule, backupTtlHours, GC_FREQUENCY_HOURS, Velero } from '../src/index.js';

const catalog = new ChartCatalog([{ name: 'velero', repository: 'https://vmware-tanzu.github.io/helm-charts', chart: 'velero', version: '12.1.0' }]);

const objectStorage = { endpoint: 'https://s3.example.com', bucket: 'ck8s-backups', region: 'eu-north-1' };

/** Minutes after midnight of a `m h * * *` cron line. */
function minutesOf(cron: string): number {
  const [minute, hour, ...rest] = cron.split(' ');
  expect(rest).toEqual(['*', '*', '*']);
  return Number(hour) * 60 + Number(minute);
}

describe('BackupSchedule', () => {
  const objects = new BackupSchedule(new App(), 'backup-schedule', { objectStorage, prefix: 'wc' }).toJson();
  const schedule = objects.find((o: any) => o.kind === 'Schedule');
  const location = objects.find((o: any) => o.kind === 'BackupStorageLocation');

  it('runs daily inside 00:00-03:00 Europe/Stockholm, clear of the daylight-saving gap', () => {
    const [tz, ...cron] = schedule.spec.schedule.split(' ');
    expect(tz).toBe(`CRON_TZ=${BACKUP_TIME_ZONE}`);
    const at = minutesOf(cron.join(' '));
    expect(at).toBeGreaterThanOrEqual(0);
    expect(at).toBeLessThan(3 * 60);
    // 02:00-02:59 is skipped in March and repeated in October
    expect(at < 2 * 60 || at >= 3 * 60).toBe(true);
  });

  it('keeps 3 backups: each expires and is collected before the fourth one is taken', () => {
    expect(schedule.spec.template.ttl).toBe('70h0m0s');
    const ttl = backupTtlHours(3);
    expect(ttl + GC_FREQUENCY_HOURS).toBeLessThanOrEqual(3 * 24);
    expect(ttl).toBeGreaterThan(2 * 24);
    expect(
      new BackupSchedule(new App(), 'x', { objectStorage, prefix: 'wc', keep: 7 }).toJson().find((o: any) => o.kind === 'Schedule').spec.template.ttl,
    ).toBe('166h0m0s');
  });

  it('covers tenant resources and cluster state, and skips only ephemeral and bootstrap namespaces', () => {
    expect(schedule.spec.template).toMatchObject({
      includedNamespaces: ['*'],
      includeClusterResources: true,
      excludedNamespaces: ['flux-system', 'kube-node-lease', 'kube-public'],
    });
  });

  it('stores backups in the configured S3-compatible bucket under the cluster name', () => {
    expect(location.spec).toMatchObject({
      provider: 'aws',
      objectStorage: { bucket: 'ck8s-backups', prefix: 'wc' },
      config: { region: 'eu-north-1', s3Url: 'https://s3.example.com', s3ForcePathStyle: 'true' },
      credential: { name: 'velero-credentials', key: 'cloud' },
    });
  });
});

describe('Velero', () => {
  it('runs restricted without the node agent, with credentials from a declared sops Secret', () => {
    const app = new App();
    const component = new Velero(app, 'velero', { catalog, objectStorageEndpoint: objectStorage.endpoint });
    connect(app);
    const objects = component.toJson();
    const values = objects.find((o: any) => o.kind === 'HelmRelease').spec.values;
    expect(values).toMatchObject({ deployNodeAgent: false, snapshotsEnabled: false, credentials: { existingSecret: 'velero-credentials' } });
    // no CRD upgrade hook Job (Bitnami kubectl, no securityContext, no labels): Flux applies the chart's CRDs
    expect(values.upgradeCRDs).toBe(false);
    expect(objects.find((o: any) => o.kind === 'Namespace').metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
    expect(component.requiredSecrets).toEqual([expect.objectContaining({ namespace: 'velero', name: 'velero-credentials', keys: ['cloud'] })]);
    const storage = objects.find((o: any) => o.kind === 'NetworkPolicy' && o.metadata.name === 'allow-object-storage');
    expect(storage.spec.egress).toEqual([{ to: [{ ipBlock: { cidr: '198.51.100.0/24' } }], ports: [{ protocol: 'TCP', port: 443 }] }]);
  });

  it('needs the addresses of the object storage', () => {
    const app = new App();
    new Velero(app, 'velero', { catalog, objectStorageEndpoint: objectStorage.endpoint });
    expect(() => connect(app, { network: { objectStorageCidrs: [] } })).toThrow(
      /network\.objectStorageCidrs: is required: velero stores data in https:\/\/s3\.example\.com/,
    );
  });
});
