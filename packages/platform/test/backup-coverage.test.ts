import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { restoreTemplates } from '@ck8s/backup';
import { afterAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { Kubeconform, problems } from '../../../test-support/kubeconform.js';
import { generatedFiles } from '../../../test-support/output-tree.js';

// The backup scope of the service description, checked on the demo fleet's committed output (what
// Flux applies): every class of data has a daily backup of some kind in the cluster that holds it.

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

type K8s = Record<string, any>;

function objectsOf(cluster: string): K8s[] {
  return [...generatedFiles(path.join(repoRoot, 'clusters', cluster)).entries()]
    .filter(([file]) => file.endsWith('.yaml') && !file.includes('/secrets/'))
    .flatMap(([, text]) => parseAllDocuments(text).map((d) => d.toJSON() as K8s | null))
    .filter((o): o is K8s => o !== null && typeof o === 'object' && typeof o.kind === 'string');
}

const fleet = { 'demo-sc': objectsOf('demo-sc'), 'demo-wc': objectsOf('demo-wc') };
type ClusterName = keyof typeof fleet;

const one = (objects: K8s[], kind: string, name: string): K8s | undefined => objects.find((o) => o.kind === kind && o.metadata?.name === name);

/** The daily Velero Schedule of a cluster, when it backs up everything (objects) at a time inside the window. */
function dailySchedule(objects: K8s[]): K8s | undefined {
  const schedule = one(objects, 'Schedule', 'daily');
  return /^CRON_TZ=Europe\/Stockholm [0-5]?[0-9] [01] \* \* \*$/.test(schedule?.spec?.schedule ?? '') ? schedule : undefined;
}

/** Whether the cluster copies the data of its volumes: the node agent runs, and the schedule sends volumes to it. */
function backsUpVolumes(objects: K8s[], namespace: string): boolean {
  const template = dailySchedule(objects)?.spec.template;
  const velero = one(objects, 'HelmRelease', 'velero');
  return (
    velero?.spec.values.deployNodeAgent === true &&
    (template?.defaultVolumesToFsBackup === true || template?.snapshotMoveData === true) &&
    !(template.excludedNamespaces ?? []).includes(namespace)
  );
}

/** The log store's daily snapshot policy (the files the policies script applies), when its indices match `pattern`. */
function snapshotsOf(objects: K8s[], pattern: string): boolean {
  const files = one(objects, 'ConfigMap', 'opensearch-policies')?.data ?? {};
  const policy = files['sm-ck8s-daily-snapshot.json'] && JSON.parse(files['sm-ck8s-daily-snapshot.json']);
  const repository = files['snapshot-repository.json'] && JSON.parse(files['snapshot-repository.json']);
  return (
    policy?.enabled === true &&
    /^[0-5]?[0-9] [01] \* \* \*$/.test(policy.creation.schedule.cron.expression) &&
    policy.creation.schedule.cron.timezone === 'Europe/Stockholm' &&
    policy.snapshot_config.indices.split(',').includes(pattern) &&
    repository?.type === 's3' &&
    (files['apply-policies.sh'] ?? '').includes('_plugins/_sm/policies/ck8s-daily-snapshot')
  );
}

/** The platform's alerting rules, all evaluated by the service cluster's Prometheus on every cluster's series. */
function alertRules(objects: K8s[]): K8s[] {
  return objects
    .filter((o) => o.kind === 'PrometheusRule')
    .flatMap((r) => (r.spec.groups ?? []).flatMap((g: K8s) => g.rules ?? []).filter((rule: K8s) => rule.alert));
}

/** What a data class's alerts must watch: an alert whose expression reads `failed`, and one that reads `missing`. */
interface FailureAlerts {
  readonly failed: RegExp;
  readonly missing: RegExp;
}

/** Whether the rules alert both when the class's backup fails and when none has succeeded for a day. */
function alertsOn(rules: K8s[], watch: FailureAlerts): boolean {
  return rules.some((r) => watch.failed.test(r.expr)) && rules.some((r) => watch.missing.test(r.expr));
}

const VELERO_OBJECTS: FailureAlerts = { failed: /velero_backup_failure_total/, missing: /velero_backup_last_successful_timestamp/ };
const VELERO_VOLUMES: FailureAlerts = {
  failed: /velero_backup_partial_failure_total.*podVolume_data_upload_failure_total/,
  missing: /podVolume_pod_volume_backup_dequeue_count.*podVolume_data_upload_success_total/,
};
// the repository the policies script creates and the snapshot policy writes to
const LOG_SNAPSHOTS: FailureAlerts = {
  failed: /elasticsearch_snapshot_stats_snapshot_failed_shards\{repository="ck8s-logs", state=~"FAILED\|PARTIAL/,
  // the age of the newest successful one (the absent() of the exporter's own alert is no substitute)
  missing:
    /time\(\) - max by \(cluster, repository\) \(elasticsearch_snapshot_stats_latest_snapshot_timestamp_seconds\{repository="ck8s-logs"\}\) > /,
};

/** The data classes of the backup scope, where each lives, what backs it up and what alerts when that fails. */
const DATA_CLASSES: readonly {
  readonly name: string;
  readonly clusters: readonly ClusterName[];
  readonly covered: (objects: K8s[]) => boolean;
  readonly alerts: FailureAlerts;
}[] = [
  {
    name: "customers' Kubernetes resources and the cluster state to restore the platform",
    clusters: ['demo-wc', 'demo-sc'],
    covered: (objects) => {
      const template = dailySchedule(objects)?.spec.template;
      return template?.includedNamespaces?.includes('*') === true && template.includeClusterResources === true;
    },
    alerts: VELERO_OBJECTS,
  },
  {
    name: 'persistent volumes of tenants',
    clusters: ['demo-wc', 'demo-sc'],
    covered: (objects) => backsUpVolumes(objects, 'team-a'),
    alerts: VELERO_VOLUMES,
  },
  {
    name: 'monitoring data (Prometheus, Alertmanager silences, Grafana)',
    clusters: ['demo-sc'],
    covered: (objects) => one(objects, 'HelmRelease', 'kube-prometheus-stack') !== undefined && backsUpVolumes(objects, 'monitoring'),
    alerts: VELERO_VOLUMES,
  },
  {
    name: "application logs of the platform's services",
    clusters: ['demo-sc'],
    covered: (objects) => snapshotsOf(objects, 'app-*'),
    alerts: LOG_SNAPSHOTS,
  },
  { name: "the API server's audit logs", clusters: ['demo-sc'], covered: (objects) => snapshotsOf(objects, 'audit-*'), alerts: LOG_SNAPSHOTS },
  { name: 'intrusion detection events (Falco)', clusters: ['demo-sc'], covered: (objects) => snapshotsOf(objects, 'falco*'), alerts: LOG_SNAPSHOTS },
  {
    name: "the registry's database (projects, members, robot accounts)",
    clusters: ['demo-sc'],
    covered: (objects) => {
      const dump = one(objects, 'CronJob', 'harbor-database-dump');
      return (
        dump?.spec.timeZone === 'Europe/Stockholm' &&
        /^[0-5]?[0-9] [01] \* \* \*$/.test(dump.spec.schedule) &&
        dump.spec.jobTemplate.spec.template.spec.initContainers.some((c: K8s) => c.command?.[0] === 'pg_dump')
      );
    },
    alerts: {
      failed: /kube_job_status_failed\{namespace="harbor", job_name=~"harbor-database-dump-\.\*"\}/,
      missing: /kube_cronjob_status_last_successful_time\{namespace="harbor", cronjob="harbor-database-dump"\}/,
    },
  },
];

describe('the backup scope in the demo fleet', () => {
  for (const dataClass of DATA_CLASSES)
    for (const cluster of dataClass.clusters)
      it(`${cluster}: ${dataClass.name} is backed up daily inside 00:00-01:59 Europe/Stockholm`, () => {
        expect(dataClass.covered(fleet[cluster])).toBe(true);
      });

  it('finds nothing where the data is not backed up (the checks can fail)', () => {
    const withoutDump = fleet['demo-sc'].filter((o) => o.kind !== 'CronJob');
    expect(DATA_CLASSES.find((c) => c.name.startsWith("the registry's"))!.covered(withoutDump)).toBe(false);
    const noAgent = fleet['demo-wc'].map((o) =>
      o.kind === 'HelmRelease' && o.metadata.name === 'velero'
        ? { ...o, spec: { ...o.spec, values: { ...o.spec.values, deployNodeAgent: false } } }
        : o,
    );
    expect(backsUpVolumes(noAgent, 'team-a')).toBe(false);
    expect(snapshotsOf(fleet['demo-sc'], 'tenant-*')).toBe(false);
  });
});

describe('the failure alerts of the backup scope in the demo fleet', () => {
  // the service cluster's Prometheus evaluates the alerts on its own series and on those its workload clusters write to it
  const rules = alertRules(fleet['demo-sc']);

  for (const dataClass of DATA_CLASSES)
    it(`${dataClass.name}: an alert fires when its backup fails and when none succeeded for a day`, () => {
      expect(alertsOn(rules, dataClass.alerts)).toBe(true);
    });

  it('the log store snapshots are read by an exporter the service cluster scrapes', () => {
    const exporter = one(fleet['demo-sc'], 'HelmRelease', 'opensearch-snapshot-exporter');
    expect(exporter?.spec.values.es).toMatchObject({ snapshots: true, indices: false, shards: false });
    expect(exporter?.spec.values.extraEnvSecrets.ES_PASSWORD).toEqual({ secret: 'opensearch-snapshot-exporter-account', key: 'password' });
    const flows = fleet['demo-sc'].filter((o) => o.kind === 'NetworkPolicy' && o.metadata.namespace === 'opensearch');
    const exporterIngress = flows.find((p) => (p.spec.ingress ?? []).some((i: K8s) => (i.ports ?? []).some((port: K8s) => port.port === 9108)));
    expect(exporterIngress?.spec.podSelector.matchLabels).toEqual({ 'app.kubernetes.io/name': 'prometheus-elasticsearch-exporter' });
  });

  it('finds no alert where one is missing (the checks can fail)', () => {
    for (const name of [
      'LogSnapshotFailed',
      'LogSnapshotMissing',
      'DatabaseDumpFailed',
      'DatabaseDumpMissing',
      'VolumeBackupMissing',
      'BackupFailed',
    ]) {
      const without = rules.filter((r) => r.alert !== name);
      expect(
        DATA_CLASSES.some((c) => !alertsOn(without, c.alerts)),
        name,
      ).toBe(true);
    }
  });
});

describe('the Restore objects of the restore steps', () => {
  const kubeconform = new Kubeconform();
  afterAll(() => kubeconform.dispose());

  it("validate against Velero's Restore schema in strict mode", async () => {
    const templates = restoreTemplates({ backup: 'daily-20261127003000', namespace: 'team-a' });
    const objects = Object.values(templates);
    const result = await kubeconform.run({ restores: objects });
    expect(problems(result)).toEqual([]);
    expect(result.summary).toEqual({ valid: 3, invalid: 0, errors: 0, skipped: 0 });
    expect(templates.volumes).toMatchObject({ spec: { backupName: 'daily-20261127003000', includedNamespaces: ['team-a'], restorePVs: true } });
  });

  it('are rejected by the schema when a field is wrong (the check can fail)', async () => {
    const { cluster } = restoreTemplates({ backup: 'daily-20261127003000', namespace: 'team-a' });
    const wrong = { ...cluster, spec: { ...(cluster.spec as object), restorePVs: 'yes', includeVolumes: true } };
    const result = await kubeconform.run({ restores: [wrong] });
    expect(result.summary.invalid).toBe(1);
  });
});
