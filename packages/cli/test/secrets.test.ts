import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { findTool } from '@ck8s/core';
import { execa } from 'execa';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { ck8s, copyRepo, REPO_ROOT } from './repo-fixture.js';

describe('ck8s secrets', () => {
  it('init, set and synth: the cluster output decrypts with the real sops to the exact values', async () => {
    const repo = copyRepo();
    const keyFile = path.join(mkdtempSync(path.join(tmpdir(), 'ck8s-key-')), 'demo-wc.agekey');
    const init = await ck8s(repo, ['secrets', 'init', 'demo-wc', '--key-file', keyFile]);
    expect(init.code).toBe(0);
    expect(init.stderr).toContain(`kubectl create secret generic sops-age --namespace=flux-system --from-file=age.agekey=${keyFile}`);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    const recipients = parse(readFileSync(path.join(repo, 'clusters/demo-wc/cluster.yaml'), 'utf8')).sops.ageRecipients;
    expect(recipients).toHaveLength(2);
    expect(readFileSync(path.join(repo, '.sops.yaml'), 'utf8')).toContain(recipients.join(','));

    const set = await ck8s(repo, ['secrets', 'set', 'demo-wc', 'team-b/api-token', '--stdin', 'token', '--replace'], 'multi\nline: value\n');
    expect(set).toMatchObject({ code: 0, stdout: expect.stringContaining('secrets/demo-wc/team-b.api-token.sops.yaml') });
    const encrypted = readFileSync(path.join(repo, 'secrets/demo-wc/team-b.api-token.sops.yaml'), 'utf8');
    expect(encrypted).not.toContain('multi');
    expect(encrypted).not.toContain(Buffer.from('multi\nline: value\n').toString('base64'));

    expect((await ck8s(repo, ['synth'])).code).toBe(0);
    const output = path.join(repo, 'clusters/demo-wc/tenants/secrets/team-b.api-token.sops.yaml');
    const sops = findTool('sops', REPO_ROOT);
    const { stdout } = await execa(sops, ['decrypt', '--input-type', 'yaml', '--output-type', 'yaml', output], {
      env: { SOPS_AGE_KEY_FILE: keyFile },
    });
    const secret = parse(stdout);
    expect(secret).toMatchObject({ kind: 'Secret', metadata: { name: 'api-token', namespace: 'team-b' } });
    expect(Buffer.from(secret.data.token, 'base64').toString()).toBe('multi\nline: value\n');

    expect((await ck8s(repo, ['validate'])).code).toBe(0);
  });

  it('refuses to write a private key into the repository', async () => {
    const repo = copyRepo();
    const result = await ck8s(repo, ['secrets', 'init', 'demo-wc', '--key-file', path.join(repo, 'keys/demo.agekey')]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/inside the repository/);
  });

  it('needs to be told where the private key goes', async () => {
    const result = await ck8s(copyRepo(), ['secrets', 'init', 'demo-wc']);
    expect(result).toMatchObject({ code: 1, stderr: 'ck8s: say where the private key goes: --key-file <path outside the repository> or --stdout\n' });
  });

  it('refuses to merge into an existing Secret without the private key', async () => {
    const repo = copyRepo();
    const result = await ck8s(repo, ['secrets', 'set', 'demo-wc', 'team-a/app-database', 'extra=1']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/replace/);
  });

  it('rejects entries without a key', async () => {
    const result = await ck8s(copyRepo(), ['secrets', 'set', 'demo-wc', 'team-a/x', '=value']);
    expect(result).toMatchObject({ code: 1, stderr: 'ck8s: entry "" is not KEY=VALUE\n' });
  });
});
