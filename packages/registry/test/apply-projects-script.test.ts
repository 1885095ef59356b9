import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyProjectsScript, registryConfiguration } from '../src/index.js';
import { props } from './fixtures.js';

const configuration = () =>
  registryConfiguration({
    host: props.host,
    clusterName: props.clusterName,
    tenants: props.tenants!,
    blockSeverity: 'critical',
    robotAccounts: ['ci', 'release'],
  });

interface Recorded {
  readonly method: string;
  readonly url: string;
  readonly auth: string;
  readonly resourceName: string | undefined;
  readonly body: unknown;
}

const PASSWORD = 'p"a\\ss w0rd';

/** A fake Harbor API: wc-a-team-a, its admin group and the robot "release" exist already. */
function fakeHarbor(requests: Recorded[]) {
  const existing = new Set(['project wc-a-team-a', 'member wc-a-team-a team-a-admins', 'robot release']);
  return createServer((req: IncomingMessage, res) => {
    let data = '';
    req.on('data', (chunk) => (data += chunk));
    req.on('end', () => {
      const body = data ? JSON.parse(data) : undefined;
      requests.push({
        method: req.method!,
        url: req.url!,
        auth: req.headers.authorization ?? '',
        resourceName: req.headers['x-is-resource-name'] as string | undefined,
        body,
      });
      const reply = (status: number, payload: unknown = {}) =>
        res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(payload));
      if (req.headers.authorization !== `Basic ${Buffer.from(`admin:${PASSWORD}`).toString('base64')}`)
        return reply(401, { errors: [{ code: 'UNAUTHORIZED' }] });
      const members = /^\/api\/v2.0\/projects\/([^/]+)\/members$/.exec(req.url!);
      let key: string | undefined;
      if (req.method === 'POST' && req.url === '/api/v2.0/projects') key = `project ${body.project_name}`;
      else if (req.method === 'POST' && members) key = `member ${members[1]} ${body.member_group.group_name}`;
      else if (req.method === 'POST' && req.url === '/api/v2.0/robots') key = `robot ${body.name}`;
      else if (req.method === 'PUT' && req.url?.startsWith('/api/v2.0/projects/')) return reply(200);
      if (!key) return reply(404);
      if (existing.has(key)) return reply(409, { errors: [{ code: 'CONFLICT' }] });
      existing.add(key);
      return reply(201, key.startsWith('robot') ? { id: 7, name: `robot$${body.name}`, secret: 'generated-secret' } : {});
    });
  });
}

describe('apply-projects.sh', () => {
  const requests: Recorded[] = [];
  const server = fakeHarbor(requests);
  let work: string;
  let url: string;

  beforeAll(async () => {
    work = mkdtempSync(path.join(os.tmpdir(), 'ck8s-harbor-'));
    writeFileSync(path.join(work, 'apply-projects.sh'), applyProjectsScript());
    writeFileSync(path.join(work, 'harbor-projects.json'), JSON.stringify(configuration(), null, 2));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => {
    server.close();
    rmSync(work, { recursive: true, force: true });
  });

  const run = (password: string) =>
    promisify(execFile)('sh', [path.join(work, 'apply-projects.sh'), path.join(work, 'harbor-projects.json')], {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HARBOR_URL: url, HARBOR_ADMIN_PASSWORD: password },
    });

  it('is valid POSIX shell', async () => {
    await expect(promisify(execFile)('sh', ['-n', path.join(work, 'apply-projects.sh')])).resolves.toBeDefined();
  });

  it('creates missing projects, updates the policy of existing ones, adds members and creates missing robots', async () => {
    const { stdout } = await run(PASSWORD);
    expect(stdout.split('\n').filter(Boolean)).toEqual([
      'project wc-a-team-a: policy updated',
      'project wc-a-team-a: group team-a-leads added',
      'project wc-a-team-a: group team-a-developers added',
      'project wc-a-team-b: created',
      'project wc-a-team-b: group team-b-admins added',
      'project wc-b-team-a: created',
      'robot ci: created as robot$ci; its secret, shown only now: generated-secret',
      'robot release: exists; its permissions are left as they are (update them in Harbor or with PUT /api/v2.0/robots/{id})',
    ]);
    const config = configuration();
    expect(requests.filter((r) => r.method === 'POST' && r.url === '/api/v2.0/projects').map((r) => r.body)).toEqual(
      config.projects.map((p) => p.project),
    );
    expect(requests.find((r) => r.method === 'PUT')).toMatchObject({
      url: '/api/v2.0/projects/wc-a-team-a',
      resourceName: 'true',
      body: { metadata: { auto_scan: 'true', prevent_vul: 'true', severity: 'critical', public: 'false' } },
    });
    expect(requests.filter((r) => r.url === '/api/v2.0/robots').map((r) => r.body)).toEqual(config.robots);
    // the password reached the API (quotes and backslashes intact) without being on curl's command line
    expect(requests.every((r) => r.auth === `Basic ${Buffer.from(`admin:${PASSWORD}`).toString('base64')}`)).toBe(true);
  });

  it("stops with the HTTP status and Harbor's answer on an error", async () => {
    await expect(run('wrong')).rejects.toMatchObject({ stderr: expect.stringMatching(/project wc-a-team-a: HTTP 401: .*UNAUTHORIZED/) });
  });
});
