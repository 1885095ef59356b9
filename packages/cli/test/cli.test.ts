import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { clusterConfigSchemaText } from '../src/commands/schemas.js';
import { ck8s, REPO_ROOT } from './repo-fixture.js';

describe('ck8s command line', () => {
  it('lists its commands, and each command has help', async () => {
    const help = await ck8s(REPO_ROOT, ['--help']);
    expect(help.code).toBe(0);
    for (const command of ['init', 'synth', 'validate', 'secrets', 'policy', 'schemas', 'diff', 'audit', 'report']) expect(help.stdout).toContain(command);
    for (const command of [['init'], ['synth'], ['validate'], ['diff'], ['audit'], ['report'], ['secrets', 'init'], ['secrets', 'set'], ['secrets', 'check'], ['schemas', 'import'], ['schemas', 'cluster-config'], ['policy', 'eval']]) {
      const result = await ck8s(REPO_ROOT, [...command, '--help']);
      expect(result.code, command.join(' ')).toBe(0);
      expect(result.stdout).toContain(`Usage: ck8s ${command.join(' ')}`);
    }
  });

  it('exits 2 on a command line it cannot parse', async () => {
    const result = await ck8s(REPO_ROOT, ['synthesize']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("unknown command 'synthesize'");
  });

  it('runs as the installed ck8s binary', async () => {
    const result = await execa(process.execPath, [path.join(REPO_ROOT, 'packages/cli/bin/ck8s.js'), 'synth', '--help'], { cwd: REPO_ROOT, reject: false });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('Usage: ck8s synth');
    const bad = await execa(process.execPath, [path.join(REPO_ROOT, 'packages/cli/bin/ck8s.js'), 'validate', 'nope'], { cwd: REPO_ROOT, reject: false });
    expect(bad.exitCode).toBe(1);
    expect(bad.stderr).toBe('ck8s: unknown cluster "nope"; clusters: demo-sc, demo-wc');
  });

  it('ships an up-to-date JSON Schema of cluster.yaml that editors find', () => {
    const committed = readFileSync(path.join(REPO_ROOT, 'packages/core/schema/cluster.schema.json'), 'utf8');
    expect(committed).toBe(clusterConfigSchemaText());
    const schema = JSON.parse(committed);
    expect(schema.additionalProperties).toBe(false);
    expect(schema.required).toEqual(expect.arrayContaining(['name', 'profile', 'environment', 'kubernetesVersion', 'domain', 'gitops']));
    expect(schema.properties.tenants.items.properties.name.pattern).toBe('^[a-z0-9]([-a-z0-9]*[a-z0-9])?$');
    for (const cluster of ['demo-wc', 'demo-sc']) {
      expect(readFileSync(path.join(REPO_ROOT, 'clusters', cluster, 'cluster.yaml'), 'utf8')).toMatch(/^# yaml-language-server: \$schema=\.\.\/\.\.\/packages\/core\/schema\/cluster\.schema\.json\n/);
    }
  });
});
