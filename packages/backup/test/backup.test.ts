import { ChartCatalog, GITOPS_ENGINE_CONTEXT } from '@ck8s/core';
import { App } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { connect } from '../../../test-support/connect.js';
import {
  BACKUP_TIME_ZONE,
  BackupSchedule,
  backupTtlHours,
  dailyCron,
  GC_FREQUENCY_HOURS,
  KUBELET_PODS_PATH,
  NODE_AGENT_CONFIGMAP,
  restoreTemplates,
  Velero,
} from '../src/index.js';

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

  it('takes the daily time from the settings, and refuses one outside 00:00-01:59 local time', () => {
    expect(dailyCron('00:05')).toBe('5 0 * * *');
    expect(dailyCron('01:59')).toBe('59 1 * * *');
    for (const time of ['02:00', '02:30', '03:00', '23:30', '1:30', '01:60'])
      expect(() => dailyCron(time), time).toThrow(/is not HH:MM between 00:00 and 01:59/);
    const at = new BackupSchedule(new App(), 'x', { objectStorage, prefix: 'wc', time: '00:45' }).toJson().find((o: any) => o.kind === 'Schedule');
    expect(at.spec.schedule).toBe(`CRON_TZ=${BACKUP_TIME_ZONE} 45 0 * * *`);
  });

  it('copies every pod volume with the node agent by default (opt-out per volume), without CSI snapshots', () => {
    expect(schedule.spec.template).toMatchObject({ defaultVolumesToFsBackup: true, snapshotVolumes: false, snapshotMoveData: false });
    expect(schedule.metadata.annotations).toBeUndefined();
  });

  it('with CSI snapshot data movement, snapshots with the named class and moves the data, and copies no file systems', () => {
    const csi = new BackupSchedule(new App(), 'x', {
      objectStorage,
      prefix: 'wc',
      volumes: { method: 'csi-snapshot-data-movement', csiDriver: 'ebs.csi.aws.com', volumeSnapshotClass: 'ebs-snapshots' },
    })
      .toJson()
      .find((o: any) => o.kind === 'Schedule');
    expect(csi.spec.template).toMatchObject({ defaultVolumesToFsBackup: false, snapshotVolumes: true, snapshotMoveData: true });
    // Velero copies the Schedule's annotations to each Backup, where it picks the class per driver
    expect(csi.metadata.annotations).toEqual({ 'velero.io/csi-volumesnapshot-class_ebs.csi.aws.com': 'ebs-snapshots' });
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

  it("leaves out the cluster's own GitOps engine's namespace, in the schedule and in the cluster restore alike", () => {
    for (const [engine, namespace, other] of [
      ['flux', 'flux-system', 'argocd'],
      ['argocd', 'argocd', 'flux-system'],
    ] as const) {
      const app = new App();
      app.node.setContext(GITOPS_ENGINE_CONTEXT, engine);
      const template = new BackupSchedule(app, 'backup-schedule', { objectStorage, prefix: 'wc' }).toJson().find((o: any) => o.kind === 'Schedule')
        .spec.template;
      const restore = restoreTemplates({ backup: 'daily-20261127003000', namespace: 'team-a', engine }).cluster.spec as {
        excludedNamespaces: string[];
      };
      expect(template.excludedNamespaces, engine).toContain(namespace);
      expect(restore.excludedNamespaces, engine).toEqual([namespace, 'velero']);
      // a namespace of the other engine's name is an ordinary one there: backed up and restored
      expect(template.excludedNamespaces, engine).not.toContain(other);
    }
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
  function velero(props: Partial<ConstructorParameters<typeof Velero>[2]> = {}) {
    const app = new App();
    const component = new Velero(app, 'velero', { catalog, objectStorageEndpoint: objectStorage.endpoint, ...props });
    connect(app);
    const objects = component.toJson();
    return { component, objects, values: objects.find((o: any) => o.kind === 'HelmRelease').spec.values };
  }

  it('runs the server restricted, with credentials from a declared sops Secret', () => {
    const { component, objects, values } = velero();
    expect(values).toMatchObject({ snapshotsEnabled: false, credentials: { existingSecret: 'velero-credentials' } });
    expect(values.containerSecurityContext).toMatchObject({ runAsNonRoot: true, privileged: false, capabilities: { drop: ['ALL'] } });
    // no CRD upgrade hook Job (Bitnami kubectl, no securityContext, no labels): Flux applies the chart's CRDs
    expect(values.upgradeCRDs).toBe(false);
    expect(component.requiredSecrets).toEqual([expect.objectContaining({ namespace: 'velero', name: 'velero-credentials', keys: ['cloud'] })]);
    const storage = objects.find((o: any) => o.kind === 'NetworkPolicy' && o.metadata.name === 'allow-object-storage');
    expect(storage.spec.egress).toEqual([{ to: [{ ipBlock: { cidr: '198.51.100.0/24' } }], ports: [{ protocol: 'TCP', port: 443 }] }]);
  });

  it("runs the node agent with the kubelet's pod directory as its only host path, and says why in the namespace", () => {
    const { objects, values } = velero();
    expect(values.deployNodeAgent).toBe(true);
    const agent = values.nodeAgent;
    // the chart's own host paths (pods and /var/lib/kubelet/plugins) are off; the one it needs is added by name
    expect(agent.disableHostPath).toBe(true);
    const hostPaths = agent.extraVolumes.filter((v: any) => v.hostPath);
    expect(hostPaths).toEqual([{ name: 'host-pods', hostPath: { path: KUBELET_PODS_PATH, type: 'Directory' } }]);
    expect(agent.extraVolumeMounts).toContainEqual({ name: 'host-pods', mountPath: '/host_pods', mountPropagation: 'HostToContainer' });
    expect(agent.containerSecurityContext).toMatchObject({
      privileged: false,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      readOnlyRootFilesystem: true,
    });
    expect(agent.containerSecurityContext.capabilities.add).toBeUndefined();
    expect(agent.podSecurityContext).not.toHaveProperty('hostNetwork');
    const namespace = objects.find((o: any) => o.kind === 'Namespace');
    expect(namespace.metadata.labels['pod-security.kubernetes.io/enforce']).toBe('privileged');
    expect(namespace.metadata.labels['pod-security.kubernetes.io/warn']).toBe('restricted');
    expect(namespace.metadata.annotations['platform.ck8s.io/pod-security-exception']).toMatch(/node agent .*\/var\/lib\/kubelet\/pods/);
  });

  it('gives the pods Velero starts itself (data movers, repository maintenance) resources, and lets them reach the API server and the bucket', () => {
    const { objects, values } = velero();
    expect(values.nodeAgent.extraArgs).toEqual([`--node-agent-configmap=${NODE_AGENT_CONFIGMAP}`]);
    const config = JSON.parse(values.configMaps['node-agent-config'].data['node-agent-config.json']);
    expect(config.podResources).toMatchObject({ cpuRequest: expect.any(String), memoryRequest: expect.any(String), memoryLimit: expect.any(String) });
    expect(config.privilegedFsBackup).toBe(false);
    expect(values.configuration.repositoryMaintenanceJob.repositoryConfigData.global.podResources).toEqual(config.podResources);
    for (const name of ['allow-api-server', 'allow-object-storage'])
      expect(objects.find((o: any) => o.kind === 'NetworkPolicy' && o.metadata.name === name).spec.podSelector, name).toEqual({});
  });

  it('turns on CSI support only for CSI snapshot data movement', () => {
    expect(velero().values.configuration.features).toBeUndefined();
    expect(velero({ volumeBackup: 'csi-snapshot-data-movement' }).values.configuration.features).toBe('EnableCSI');
  });

  it('needs the addresses of the object storage', () => {
    const app = new App();
    new Velero(app, 'velero', { catalog, objectStorageEndpoint: objectStorage.endpoint });
    expect(() => connect(app, { network: { objectStorageCidrs: [] } })).toThrow(
      /network\.objectStorageCidrs: is required: velero stores data in https:\/\/s3\.example\.com/,
    );
  });
});
