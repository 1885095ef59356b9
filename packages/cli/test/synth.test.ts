import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { changedFiles, ck8s, copyRepo, REPO_ROOT, snapshot } from './repo-fixture.js';

describe('ck8s synth', () => {
  it('reproduces the committed fleet byte for byte, and a second run changes nothing', async () => {
    const repo = copyRepo();
    const before = snapshot(path.join(repo, 'clusters'));
    const first = await ck8s(repo, ['synth']);
    expect(first).toMatchObject({ code: 0, stderr: '' });
    expect(first.stdout).toMatch(/^synth: 2 cluster\(s\), \d+ files, no changes\n$/);
    expect(changedFiles(before, snapshot(path.join(repo, 'clusters')))).toEqual([]);
    expect(readFileSync(path.join(repo, '.sops.yaml'), 'utf8')).toBe(readFileSync(path.join(REPO_ROOT, '.sops.yaml'), 'utf8'));
  });

  it('writes every document so that YAML 1.1 readers (Go) and YAML 1.2 readers see the same values', () => {
    let documents = 0;
    for (const [file, base64] of snapshot(path.join(REPO_ROOT, 'clusters'))) {
      if (!file.endsWith('.yaml')) continue;
      const text = Buffer.from(base64, 'base64').toString('utf8');
      const asYaml11 = parseAllDocuments(text, { version: '1.1' }).map((doc) => doc.toJS());
      const asYaml12 = parseAllDocuments(text, { version: '1.2' }).map((doc) => doc.toJS());
      expect(asYaml11, file).toEqual(asYaml12);
      documents += asYaml11.length;
    }
    expect(documents).toBeGreaterThan(400);
  });

  it("changes only a tenant's own file when that tenant is edited", async () => {
    const repo = copyRepo();
    const config = path.join(repo, 'clusters/demo-wc/cluster.yaml');
    writeFileSync(config, readFileSync(config, 'utf8').replace('adminGroups: [team-b-admins]', 'adminGroups: [team-b-admins, team-b-leads]'));
    const before = snapshot(path.join(repo, 'clusters'));
    const result = await ck8s(repo, ['synth']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('changed: demo-sc, demo-wc');
    // the tenant's own file, and what the service cluster maps from the tenant's groups: its project
    // in the registry, its role in the log store and its Grafana organisation
    expect(changedFiles(before, snapshot(path.join(repo, 'clusters')))).toEqual([
      'demo-sc/controllers/harbor.yaml',
      'demo-sc/controllers/kube-prometheus-stack.yaml',
      'demo-sc/controllers/opensearch.yaml',
      'demo-wc/tenants/team-b.yaml',
    ]);
    expect(readFileSync(path.join(repo, 'clusters/demo-wc/tenants/team-b.yaml'), 'utf8')).toContain('name: oidc:team-b-leads');
  });

  it('adds and removes a tenant through its own file and the layer list', async () => {
    const repo = copyRepo();
    const config = path.join(repo, 'clusters/demo-wc/cluster.yaml');
    writeFileSync(config, readFileSync(config, 'utf8').replace('tenants:\n', 'tenants:\n  - name: team-c\n'));
    const before = snapshot(path.join(repo, 'clusters'));
    expect((await ck8s(repo, ['synth', 'demo-wc'])).code).toBe(0);
    // and the remote write, which labels the new namespace's series with its tenant
    expect(changedFiles(before, snapshot(path.join(repo, 'clusters')))).toEqual([
      'demo-wc/controllers/kube-prometheus-stack.yaml',
      'demo-wc/tenants/kustomization.yaml',
      'demo-wc/tenants/team-c.yaml',
    ]);
  });

  it('rejects an invalid cluster.yaml with file and field path, and writes nothing', async () => {
    const repo = copyRepo();
    const config = path.join(repo, 'clusters/demo-wc/cluster.yaml');
    writeFileSync(
      config,
      readFileSync(config, 'utf8').replace('name: team-b', 'name: Team B').replace('profile: workload', 'profile: workload\nunknownField: 1'),
    );
    const before = snapshot(repo);
    const result = await ck8s(repo, ['synth']);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('clusters/demo-wc/cluster.yaml: tenants[1].name: "Team B" is not a DNS-1123 label');
    expect(result.stderr).toContain('clusters/demo-wc/cluster.yaml: unknownField: unknown field; allowed fields here: name, profile');
    // the exception for team-b no longer names a tenant, so that is reported too
    expect(result.stderr).toContain('clusters/demo-wc/cluster.yaml: policy.exceptions[0].namespace: "team-b" is not a tenant of this cluster');
    expect(result.stderr).toContain('ck8s: 3 problem(s) found; nothing was written');
    expect(changedFiles(before, snapshot(repo))).toEqual([]);
  });

  it('rejects a workload cluster whose service cluster does not exist', async () => {
    const repo = copyRepo();
    const config = path.join(repo, 'clusters/demo-wc/cluster.yaml');
    writeFileSync(config, readFileSync(config, 'utf8').replace('serviceCluster: demo-sc', 'serviceCluster: missing-sc'));
    const result = await ck8s(repo, ['synth']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      'clusters/demo-wc/cluster.yaml: serviceCluster: "missing-sc" is not a cluster of this repository (clusters: demo-sc, demo-wc)',
    );
  });

  it('refuses to copy a plaintext Secret into the output', async () => {
    const repo = copyRepo();
    writeFileSync(
      path.join(repo, 'secrets/demo-wc/team-a.leak.sops.yaml'),
      'apiVersion: v1\nkind: Secret\nmetadata: {name: leak, namespace: team-a}\nstringData: {password: hunter2}\n',
    );
    const before = snapshot(path.join(repo, 'clusters'));
    const result = await ck8s(repo, ['synth']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('secrets/demo-wc/team-a.leak.sops.yaml: stringData.password: is not encrypted');
    expect(result.stderr).not.toContain('hunter2');
    expect(changedFiles(before, snapshot(path.join(repo, 'clusters')))).toEqual([]);
  });

  it('rejects a Secret for a namespace the cluster does not create', async () => {
    const repo = copyRepo();
    const source = readFileSync(path.join(repo, 'secrets/demo-wc/team-a.app-database.sops.yaml'), 'utf8');
    writeFileSync(path.join(repo, 'secrets/demo-wc/nowhere.app-database.sops.yaml'), source);
    const result = await ck8s(repo, ['synth']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      'secrets/demo-wc/nowhere.app-database.sops.yaml: metadata.namespace: "nowhere" is not a namespace of cluster demo-wc',
    );
  });

  it('places each encrypted Secret verbatim in the layer that creates its namespace', () => {
    const committed = readFileSync(path.join(REPO_ROOT, 'secrets/demo-wc/team-a.app-database.sops.yaml'), 'utf8');
    expect(readFileSync(path.join(REPO_ROOT, 'clusters/demo-wc/tenants/secrets/team-a.app-database.sops.yaml'), 'utf8')).toBe(committed);
    expect(readFileSync(path.join(REPO_ROOT, 'clusters/demo-wc/tenants/kustomization.yaml'), 'utf8')).toContain(
      '- secrets/team-a.app-database.sops.yaml',
    );
    expect(readFileSync(path.join(REPO_ROOT, 'clusters/demo-sc/flux-system/kustomization.yaml'), 'utf8')).toContain(
      '- secrets/flux-system.alert-webhook.sops.yaml',
    );
  });

  it('fails when a component needs a Secret that is not committed, naming the command that creates it', async () => {
    const repo = copyRepo();
    rmSync(path.join(repo, 'secrets/demo-wc/falco.falcosidekick-credentials.sops.yaml'));
    const result = await ck8s(repo, ['synth']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      "secrets/demo-wc/falco.falcosidekick-credentials.sops.yaml: (file): is missing: falco needs it (falcosidekick's accounts on the service cluster's log store and Alertmanager); create it with `ck8s secrets set demo-wc falco/falcosidekick-credentials --from-file ELASTICSEARCH_USERNAME=<file> --from-file ELASTICSEARCH_PASSWORD=<file> --from-file ALERTMANAGER_CUSTOMHEADERS=<file>`",
    );
  });

  it("fails an endpoint's htpasswd Secret of another type than the ingress controller reads, and the command it names fixes it", async () => {
    const repo = copyRepo();
    const clients = path.join(repo, 'clients.htpasswd');
    writeFileSync(clients, '# no clients yet\n');
    // the Secret as ingress-nginx read it: Opaque, key auth
    expect(
      (await ck8s(repo, ['secrets', 'set', 'demo-sc', 'monitoring/prometheus-basic-auth', '--replace', '--from-file', `auth=${clients}`])).code,
    ).toBe(0);
    const result = await ck8s(repo, ['synth']);
    expect(result.code).toBe(1);
    const file = 'secrets/demo-sc/monitoring.prometheus-basic-auth.sops.yaml';
    const command = 'ck8s secrets set demo-sc monitoring/prometheus-basic-auth --replace --type nginx.org/htpasswd --from-file htpasswd=<file>';
    expect(result.stderr).toContain(
      `${file}: type: is "Opaque", but endpoints reads only a Secret of type nginx.org/htpasswd (htpasswd of the clients of https://prometheus.demo-sc.example.com (its backend has no login of its own)); allowed: nginx.org/htpasswd; re-create it with \`${command}\``,
    );
    expect(result.stderr).toContain(`${file}: data.htpasswd: is missing`);
    const fix = command
      .split(' ')
      .slice(1)
      .map((arg) => arg.replace('<file>', clients));
    expect((await ck8s(repo, fix)).code).toBe(0);
    expect((await ck8s(repo, ['synth'])).code).toBe(0);
  });

  it('switches a capability off per cluster', async () => {
    const repo = copyRepo();
    const config = path.join(repo, 'clusters/demo-wc/cluster.yaml');
    writeFileSync(config, `${readFileSync(config, 'utf8')}ids:\n  enabled: false\n`);
    // the credentials of the switched-off component have nowhere to go, and say so
    const stale = await ck8s(repo, ['synth', 'demo-wc']);
    expect(stale.code).toBe(1);
    expect(stale.stderr).toContain(
      'secrets/demo-wc/falco.falcosidekick-credentials.sops.yaml: metadata.namespace: "falco" is not a namespace of cluster demo-wc',
    );
    rmSync(path.join(repo, 'secrets/demo-wc/falco.falcosidekick-credentials.sops.yaml'));
    expect((await ck8s(repo, ['synth', 'demo-wc'])).code).toBe(0);
    expect(readFileSync(path.join(repo, 'clusters/demo-wc/controllers/kustomization.yaml'), 'utf8')).not.toContain('falco.yaml');
  });

  it('fails for an unknown cluster name', async () => {
    const result = await ck8s(copyRepo(), ['synth', 'nope']);
    expect(result).toMatchObject({ code: 1, stderr: 'ck8s: unknown cluster "nope"; clusters: demo-sc, demo-wc\n' });
  });
});
