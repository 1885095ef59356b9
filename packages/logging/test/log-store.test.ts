import { App } from 'cdk8s';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import {
  LOG_STORE_SECRETS,
  LOG_WRITER_INDEX_ACTIONS,
  LogForwarder,
  LogStore,
  type LogStoreProps,
  retentionPolicy,
  snapshotPolicy,
} from '../src/index.js';
import { connect, testApp } from '../../../test-support/connect.js';
import { find, type K8sObject } from '../../../test-support/manifests.js';
import { catalog, policyFlow as flows, SC_HOSTS, SC_ISSUER } from './fixtures.js';

const snapshots = { endpoint: 'https://s3.example.com', bucket: 'ck8s-logs-sc', region: 'eu-north-1', prefix: 'sc' };
const withSnapshots: Partial<LogStoreProps> = { snapshots };

function render(extra: Partial<LogStoreProps> = {}, network = {}) {
  const app = testApp();
  const component = new LogStore(app, 'opensearch', {
    catalog,
    hosts: SC_HOSTS,
    issuer: SC_ISSUER,
    operatorGroups: ['platform-operators'],
    ...extra,
  });
  connect(app, { network });
  const objects: K8sObject[] = component.toJson();
  const opensearch = find(objects, 'HelmRelease', 'opensearch');
  const dashboards = find(objects, 'HelmRelease', 'opensearch-dashboards');
  const data = opensearch.spec.values.securityConfig.config.data;
  return {
    component,
    objects,
    opensearch,
    dashboards,
    os: opensearch.spec.values,
    osd: dashboards.spec.values,
    opensearchYml: parse(opensearch.spec.values.config['opensearch.yml']),
    dashboardsYml: parse(dashboards.spec.values.config['opensearch_dashboards.yml']),
    roles: parse(data['roles.yml']),
    mapping: parse(data['roles_mapping.yml']),
    authc: parse(data['config.yml']).config.dynamic.authc,
    policies: find(objects, 'ConfigMap', 'opensearch-policies').data as Record<string, string>,
  };
}

describe('LogStore', () => {
  const out = render();

  it('deploys OpenSearch and Dashboards at the catalog versions in its own opensearch namespace, Dashboards after OpenSearch', () => {
    expect(out.component.outputFile).toBe('controllers/opensearch.yaml');
    expect(out.opensearch.spec.chart.spec).toMatchObject({ chart: 'opensearch', version: '9.9.2' });
    expect(out.dashboards.spec.chart.spec).toMatchObject({ chart: 'opensearch-dashboards', version: '9.9.3' });
    // cluster-scoped: the namespace, and the binding of the account Flux installs the chart as
    expect(
      out.objects.every((o) =>
        o.kind === 'Namespace'
          ? o.metadata.name === 'opensearch'
          : o.kind === 'ClusterRoleBinding'
            ? o.subjects.every((s: { namespace?: string }) => s.namespace === 'opensearch')
            : o.metadata.namespace === 'opensearch',
      ),
    ).toBe(true);
    expect(out.dashboards.spec.dependsOn).toEqual([{ name: 'opensearch', namespace: 'opensearch' }]);
    // its own namespace, restricted: unlike the forwarder, the log store needs no host access
    const namespaces = out.objects.filter((o) => o.kind === 'Namespace');
    expect(namespaces.map((n) => [n.metadata.name, n.metadata.labels['pod-security.kubernetes.io/enforce']])).toEqual([['opensearch', 'restricted']]);
  });

  it('runs the security plugin with TLS from the node certificate Secret, never the demo certificates', () => {
    const yml = out.opensearchYml;
    expect(yml['plugins.security.ssl.http']).toMatchObject({
      enabled: true,
      pemcert_filepath: 'certs/tls.crt',
      pemkey_filepath: 'certs/tls.key',
      pemtrustedcas_filepath: 'certs/ca.crt',
    });
    expect(yml['plugins.security.ssl.transport']).toMatchObject({ pemcert_filepath: 'certs/tls.crt', pemkey_filepath: 'certs/tls.key' });
    expect(yml['plugins.security.allow_unsafe_democertificates']).toBe(false);
    expect(out.os.securityConfig.enabled).toBe(true);
    expect(out.os.extraEnvs).toContainEqual({ name: 'DISABLE_INSTALL_DEMO_CONFIG', value: 'true' });
    expect(out.os.secretMounts).toEqual([{ name: 'node-tls', secretName: 'opensearch-node-tls', path: '/usr/share/opensearch/config/certs' }]);
    // Dashboards verifies OpenSearch with the CA and gets nothing else of that Secret
    expect(out.dashboardsYml['opensearch.ssl.verificationMode']).toBe('full');
    expect(out.osd.secretMounts).toEqual([
      { name: 'opensearch-ca', secretName: 'opensearch-node-tls', path: '/usr/share/opensearch-dashboards/certs/ca.crt', subPath: 'ca.crt' },
    ]);
  });

  it('gives log_writer append-only rights on exactly the three log index patterns, and no delete', () => {
    const writer = out.roles.log_writer;
    expect(writer.index_permissions).toHaveLength(1);
    expect(writer.index_permissions[0].index_patterns).toEqual(['app-*', 'audit-*', 'falco*']);
    expect(writer.index_permissions[0].allowed_actions).toEqual([
      'indices:data/write/index',
      'indices:data/write/bulk*',
      'indices:admin/create',
      'indices:admin/mapping/put',
    ]);
    expect(writer.cluster_permissions).toEqual(['indices:data/write/bulk']);
    const all = [...writer.cluster_permissions, ...writer.index_permissions[0].allowed_actions];
    for (const action of all) {
      expect(action).not.toMatch(/delete/);
      // no action group: crud, write, manage, index, all, ... each hide a delete
      expect(action).toMatch(/^indices:(data\/write|admin)\//);
      expect(action).not.toMatch(/^indices:data\/write\/(delete|update)/);
    }
    expect(LOG_WRITER_INDEX_ACTIONS).toEqual(writer.index_permissions[0].allowed_actions);
    expect(out.mapping.log_writer).toMatchObject({ backend_roles: ['log-writer'] });
  });

  it('gives log_reader read rights on the application log indices (not audit logs or Falco events) to an identity-provider group, and operators all_access', () => {
    const reader = out.roles.log_reader;
    expect(reader.index_permissions).toEqual([
      { index_patterns: ['app-*'], allowed_actions: ['read', 'indices:admin/mappings/get', 'indices:admin/resolve/index'] },
    ]);
    expect(out.mapping.log_reader.backend_roles).toEqual(['log-readers']);
    expect(out.mapping.all_access.backend_roles).toEqual(['platform-operators']);
    const custom = render({ logReaderGroups: ['auditors', 'sre'] });
    expect(custom.mapping.log_reader.backend_roles).toEqual(['auditors', 'sre']);
    expect(custom.mapping.kibana_user.backend_roles).toEqual(['auditors', 'platform-operators', 'sre']);
  });

  it("signs people in through the service cluster's identity provider, in OpenSearch and in Dashboards", () => {
    expect(out.authc.openid_auth_domain.http_authenticator).toEqual({
      type: 'openid',
      challenge: false,
      config: { subject_key: 'email', roles_key: 'groups', openid_connect_url: 'https://dex.sc.example.com/.well-known/openid-configuration' },
    });
    expect(out.authc.basic_internal_auth_domain.authentication_backend).toEqual({ type: 'intern' });
    expect(out.dashboardsYml).toMatchObject({
      'opensearch_security.auth.type': 'openid',
      'opensearch_security.openid.connect_url': 'https://dex.sc.example.com/.well-known/openid-configuration',
      'opensearch_security.openid.client_id': 'opensearch-dashboards',
      'opensearch_security.openid.client_secret': '${OIDC_CLIENT_SECRET}',
      'opensearch_security.openid.base_redirect_url': 'https://opensearch-dashboards.sc.example.com',
    });
    expect(out.osd.extraEnvs).toEqual([
      { name: 'OIDC_CLIENT_SECRET', valueFrom: { secretKeyRef: { name: 'opensearch-dashboards-oidc', key: 'client-secret' } } },
    ]);
  });

  it('reads internal users from the sops Secret and never writes a user or hash into the output', () => {
    expect(out.os.securityConfig.internalUsersSecret).toBe('opensearch-internal-users');
    expect(out.os.securityConfig.config.dataComplete).toBe(false);
    expect(Object.keys(out.os.securityConfig.config.data).sort()).toEqual(['config.yml', 'roles.yml', 'roles_mapping.yml']);
    expect(JSON.stringify(out.objects)).not.toMatch(/"hash"|\$2[aby]\$/);
  });

  it('declares every Secret it reads', () => {
    expect(out.component.requiredSecrets.map((s) => [s.namespace, s.name, s.keys])).toEqual([
      ['opensearch', 'opensearch-internal-users', ['internal_users.yml']],
      ['opensearch', 'opensearch-admin', ['username', 'password']],
      ['opensearch', 'opensearch-node-tls', ['tls.crt', 'tls.key', 'ca.crt']],
      ['opensearch', 'opensearch-dashboards-account', ['username', 'password', 'cookie']],
      ['opensearch', 'opensearch-dashboards-oidc', ['client-secret']],
    ]);
    expect(out.osd.opensearchAccount.secret).toBe('opensearch-dashboards-account');
    // the break-glass password is kept for people: synth does not need it
    expect(out.component.requiredSecrets.filter((s) => s.optional).map((s) => s.name)).toEqual(['opensearch-admin']);
    expect(render(withSnapshots).component.requiredSecrets.map((s) => s.name)).toContain(LOG_STORE_SECRETS.snapshotCredentials.name);
  });

  it('retention: deletes an index after the configured days or once it holds the configured size', () => {
    const policy = retentionPolicy({ days: 30, size: '50gb' }).policy as K8sObject;
    expect(policy.default_state).toBe('hot');
    const hot = policy.states.find((s: K8sObject) => s.name === 'hot');
    expect(hot.transitions).toEqual([
      { state_name: 'delete', conditions: { min_index_age: '30d' } },
      { state_name: 'delete', conditions: { min_size: '50gb' } },
    ]);
    expect(policy.states.find((s: K8sObject) => s.name === 'delete').actions).toEqual([{ delete: {} }]);
    expect(policy.ism_template).toEqual([{ index_patterns: ['app-*', 'audit-*', 'falco*'], priority: 100 }]);
    // delivered as the ConfigMap the apply script reads
    expect(JSON.parse(out.policies['ism-ck8s-retention.json']!)).toEqual(retentionPolicy({ days: 30, size: '50gb' }));
  });

  it('retention: follows non-default settings', () => {
    const hot = (retentionPolicy({ days: 7, size: '200gb' }).policy as K8sObject).states[0];
    expect(hot.transitions.map((t: K8sObject) => t.conditions)).toEqual([{ min_index_age: '7d' }, { min_size: '200gb' }]);
    expect(
      JSON.parse(render({ retentionDays: 7, retentionSize: '200gb' }).policies['ism-ck8s-retention.json']!).policy.states[0].transitions[1]
        .conditions,
    ).toEqual({ min_size: '200gb' });
  });

  it('without snapshots: no SM policy, repository, keystore or object storage egress', () => {
    expect(Object.keys(out.policies).sort()).toEqual(['apply-policies.sh', 'index-template.json', 'ism-ck8s-retention.json']);
    expect(out.policies['apply-policies.sh']).not.toMatch(/_sm\/|_snapshot/);
    expect(out.os.keystore).toEqual([]);
    expect(out.os.plugins).toEqual({ enabled: false, installList: [] });
    expect(out.objects.find((o) => o.metadata.name === 'allow-plugin-download')).toBeUndefined();
    expect(Object.keys(out.opensearchYml).filter((k) => k.startsWith('s3.'))).toEqual([]);
    expect(out.objects.find((o) => o.metadata.name === 'allow-opensearch-to-object-storage')).toBeUndefined();
  });

  it('with snapshots: a daily SM policy kept for the retention, an S3 repository with keystore credentials, egress to object storage', () => {
    const snap = render(withSnapshots);
    const sm = JSON.parse(snap.policies['sm-ck8s-daily-snapshot.json']!);
    expect(sm).toEqual(snapshotPolicy(30));
    expect(sm.creation.schedule.cron.expression).toBe('0 1 * * *');
    expect(sm.deletion.condition).toEqual({ max_age: '30d', min_count: 1 });
    expect(sm.snapshot_config).toMatchObject({ repository: 'ck8s-logs', indices: 'app-*,audit-*,falco*', include_global_state: false });
    expect(JSON.parse(snap.policies['snapshot-repository.json']!)).toEqual({
      type: 's3',
      settings: { bucket: 'ck8s-logs-sc', base_path: 'opensearch/sc', client: 'default' },
    });
    expect(snap.opensearchYml).toMatchObject({
      's3.client.default.endpoint': 's3.example.com',
      's3.client.default.protocol': 'https',
      's3.client.default.region': 'eu-north-1',
    });
    expect(snap.os.keystore).toEqual([{ secretName: 'opensearch-snapshot-credentials' }]);
    expect(LOG_STORE_SECRETS.snapshotCredentials.keys).toEqual(['s3.client.default.access_key', 's3.client.default.secret_key']);
    expect(snap.policies['apply-policies.sh']).toMatch(
      /apply_versioned POST _plugins\/_sm\/policies\/ck8s-daily-snapshot sm-ck8s-daily-snapshot\.json/,
    );
    expect(flows(find(snap.objects, 'NetworkPolicy', 'allow-opensearch-to-object-storage'))).toEqual({
      name: 'allow-opensearch-to-object-storage',
      direction: 'egress',
      pods: { 'app.kubernetes.io/name': 'opensearch' },
      peers: ['198.51.100.0/24'],
      ports: ['443/TCP'],
    });
    expect((snapshotPolicy(90) as K8sObject).deletion.condition.max_age).toBe('90d');
    // the s3 repository type is a plugin the image lacks: installed at start, from the internet on 443 only
    expect(snap.os.plugins).toEqual({ enabled: true, installList: ['repository-s3'] });
    expect(flows(find(snap.objects, 'NetworkPolicy', 'allow-plugin-download'))).toMatchObject({ direction: 'egress', ports: ['443/TCP'] });
  });

  it("watches its own health through the snapshot exporter: red, yellow, disk watermark and shard limit, on every node's stats", () => {
    expect(out.component.alertGroups).toEqual([]);
    const snap = render(withSnapshots);
    const [group, snapshotGroup] = snap.component.alertGroups;
    // and its snapshots: the newest failed, none for a day, or their state unread
    expect(snapshotGroup!.alerts.map((a) => a.alert)).toEqual(['LogSnapshotFailed', 'LogSnapshotMissing', 'LogSnapshotStateUnknown']);
    expect(snapshotGroup!.alerts.map((a) => a.expr).join(' ')).toContain('repository="ck8s-logs"');
    expect(new Set(snapshotGroup!.alerts.flatMap((a) => Object.values(a.metrics)))).toEqual(new Set(['opensearch-snapshot-exporter']));
    expect(group!.alerts.map((a) => a.alert)).toEqual([
      'LogStoreClusterRed',
      'LogStoreClusterYellow',
      'LogStoreDiskWatermark',
      'LogStoreShardLimitNear',
    ]);
    // every metric comes from the exporter this component declares and Prometheus scrapes
    expect(new Set(group!.alerts.flatMap((a) => Object.values(a.metrics)))).toEqual(new Set(['opensearch-snapshot-exporter']));
    for (const a of group!.alerts) for (const metric of Object.keys(a.metrics)) expect(a.expr).toContain(metric);
    // the disk alert needs every node's stats, not only the node the exporter happens to reach
    expect(find(snap.objects, 'HelmRelease', 'opensearch-snapshot-exporter').spec.values.es).toMatchObject({
      all: true,
      indices: false,
      shards: false,
    });
  });

  it('takes the snapshots at the time and in the time zone of the daily backups when given', () => {
    const snap = render({ snapshots: { ...snapshots, schedule: { cron: '45 0 * * *', timeZone: 'Europe/Stockholm' } } });
    const sm = JSON.parse(snap.policies['sm-ck8s-daily-snapshot.json']!);
    expect(sm.creation.schedule.cron).toEqual({ expression: '45 0 * * *', timezone: 'Europe/Stockholm' });
  });

  it('needs the addresses of the ingress where the identity provider is served', () => {
    expect(() => render({}, { serviceClusterCidrs: [] })).toThrow(
      /network\.serviceClusterCidrs: is required: opensearch signs people in at the service cluster's identity provider/,
    );
  });

  it('refuses snapshots without the addresses of the object storage', () => {
    expect(() => render(withSnapshots, { objectStorageCidrs: [] })).toThrow(
      /clusters\/test\/cluster\.yaml: network\.objectStorageCidrs: is required: opensearch stores data in https:\/\/s3\.example\.com/,
    );
  });

  it('keeps the pods within the restricted profile: no sysctl or root init containers', () => {
    expect(out.os.sysctlInit).toEqual({ enabled: false });
    expect(out.os.sysctl).toEqual({ enabled: false });
    expect(out.os.persistence.enableInitChown).toBe(false);
    // the chart (2.35.1+) gives its configfile and keystore init containers the securityContext
    // value and initResources: no post-render patch any more
    expect(out.opensearch.spec.postRenderers).toBeUndefined();
    expect(render(withSnapshots).opensearch.spec.postRenderers).toBeUndefined();
    expect(out.os.initResources).toEqual({ requests: { cpu: '10m', memory: '32Mi' }, limits: { memory: '64Mi' } });
    for (const values of [out.os, out.osd]) {
      expect(values.podSecurityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
      expect(values.securityContext).toMatchObject({
        runAsNonRoot: true,
        allowPrivilegeEscalation: false,
        privileged: false,
        capabilities: { drop: ['ALL'] },
      });
    }
  });

  it('lets exactly the described flows through', () => {
    // the namespace's default deny and DNS egress are HardenedNamespace's, tested in core
    const policies = out.objects
      .filter((o) => o.kind === 'NetworkPolicy' && !['default-deny', 'allow-dns-egress'].includes(o.metadata.name))
      .map(flows);
    const os = { 'app.kubernetes.io/name': 'opensearch' };
    const osd = { 'app.kubernetes.io/name': 'opensearch-dashboards' };
    const ingress = {
      namespace: 'ingress-nginx',
      pods: { 'app.kubernetes.io/name': 'nginx-ingress', 'app.kubernetes.io/instance': 'nginx-ingress' },
    };
    expect(policies).toEqual([
      { name: 'allow-opensearch-from-ingress-controller', direction: 'ingress', pods: os, peers: [ingress], ports: ['9200/TCP'] },
      { name: 'allow-opensearch-dashboards-from-ingress-controller', direction: 'ingress', pods: osd, peers: [ingress], ports: ['5601/TCP'] },
      { name: 'allow-dashboards-to-opensearch', direction: 'egress', pods: osd, peers: [{ namespace: 'opensearch', pods: os }], ports: ['9200/TCP'] },
      {
        name: 'allow-opensearch-from-dashboards',
        direction: 'ingress',
        pods: os,
        peers: [{ namespace: 'opensearch', pods: osd }],
        ports: ['9200/TCP'],
      },
      {
        name: 'allow-opensearch-internal-egress',
        direction: 'egress',
        pods: os,
        peers: [{ namespace: 'opensearch', pods: os }],
        ports: ['9300/TCP'],
      },
      {
        name: 'allow-opensearch-internal-ingress',
        direction: 'ingress',
        pods: os,
        peers: [{ namespace: 'opensearch', pods: os }],
        ports: ['9300/TCP'],
      },
      { name: 'allow-opensearch-to-identity-provider', direction: 'egress', pods: os, peers: ['192.0.2.10/32'], ports: ['443/TCP'] },
      { name: 'allow-dashboards-to-identity-provider', direction: 'egress', pods: osd, peers: ['192.0.2.10/32'], ports: ['443/TCP'] },
    ]);
    // inside the service cluster, the identity provider's address leads to its own ingress controller
    const inside = render({}, { isServiceCluster: true }).objects.find((o) => o.metadata.name === 'allow-opensearch-to-identity-provider');
    expect(flows(inside).peers).toEqual([ingress, '192.0.2.10/32']);
  });

  it('declares the endpoints it serves and its client at the identity provider, and creates no Ingress or Certificate itself', () => {
    expect(
      out.component.endpoints.map((e) => [e.name, e.host, e.pods.namespace, e.service.name, e.service.port, e.backendProtocol ?? 'HTTP']),
    ).toEqual([
      ['opensearch', 'opensearch.sc.example.com', 'opensearch', 'opensearch-cluster-master', 9200, 'HTTPS'],
      ['opensearch-dashboards', 'opensearch-dashboards.sc.example.com', 'opensearch', 'opensearch-dashboards', 5601, 'HTTP'],
    ]);
    expect(out.component.oidcClients).toEqual([
      {
        id: 'opensearch-dashboards',
        name: 'OpenSearch Dashboards',
        redirectURIs: ['https://opensearch-dashboards.sc.example.com/auth/openid/login'],
      },
    ]);
    expect(out.objects.filter((o) => ['Ingress', 'Certificate'].includes(o.kind))).toEqual([]);
    expect(out.os.ingress).toEqual({ enabled: false });
    expect(out.osd.ingress).toEqual({ enabled: false });
  });

  it("accepts every cluster's forwarders as log writers in its internal users", () => {
    const [sink] = out.component.accountSinks;
    expect(sink).toMatchObject({ kind: 'log-writer', namespace: 'opensearch', secret: 'opensearch-internal-users', key: 'internal_users.yml' });
    const text = sink!.add('_meta: { type: internalusers, config_version: 2 }\n', [{ user: 'fluent-bit-wc', password: 'pw' }], {
      bcrypt: (p) => `hash(${p})`,
      htpasswd: () => '',
      upsertHtpasswd: () => '',
    });
    expect(parse(text)).toEqual({
      _meta: { type: 'internalusers', config_version: 2 },
      'fluent-bit-wc': { hash: 'hash(pw)', backend_roles: ['log-writer'] },
    });
  });

  it('sits beside the forwarder in a service cluster without duplicate objects', () => {
    const app = new App();
    const forwarder = new LogForwarder(app, 'fluent-bit', { catalog, clusterName: 'sc', logStoreUrl: `https://${SC_HOSTS.opensearch}` });
    const store = new LogStore(app, 'opensearch', { catalog, hosts: SC_HOSTS, issuer: SC_ISSUER });
    const all: K8sObject[] = [...forwarder.toJson(), ...store.toJson()];
    const ids = all.map((o) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`);
    expect(new Set(ids).size).toBe(ids.length);
    expect(all.filter((o) => o.kind === 'Namespace').map((o) => o.metadata.name)).toEqual(['logging', 'opensearch']);
  });
});
