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

/** The data classes of the backup scope, where each lives and what backs it up. */
const DATA_CLASSES: readonly { readonly name: string; readonly clusters: readonly ClusterName[]; readonly covered: (objects: K8s[]) => boolean }[] = [
  {
    name: "customers' Kubernetes resources and the cluster state to restore the platform",
    clusters: ['demo-wc', 'demo-sc'],
    covered: (objects) => {
      const template = dailySchedule(objects)?.spec.template;
      return template?.includedNamespaces?.includes('*') === true && template.includeClusterResources === true;
    },
  },
  { name: 'persistent volumes of tenants', clusters: ['demo-wc', 'demo-sc'], covered: (objects) => backsUpVolumes(objects, 'team-a') },
  {
    name: 'monitoring data (Prometheus, Alertmanager silences, Grafana)',
    clusters: ['demo-sc'],
    covered: (objects) => one(objects, 'HelmRelease', 'kube-prometheus-stack') !== undefined && backsUpVolumes(objects, 'monitoring'),
  },
  { name: "application logs of the platform's services", clusters: ['demo-sc'], covered: (objects) => snapshotsOf(objects, 'app-*') },
  { name: "the API server's audit logs", clusters: ['demo-sc'], covered: (objects) => snapshotsOf(objects, 'audit-*') },
  { name: 'intrusion detection events (Falco)', clusters: ['demo-sc'], covered: (objects) => snapshotsOf(objects, 'falco*') },
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
