import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { type ConfigError, Workspace } from '../src/index.js';

function workspace(settings: string, env: NodeJS.ProcessEnv = {}): Workspace {
  const root = mkdtempSync(path.join(tmpdir(), 'ck8s-settings-'));
  writeFileSync(path.join(root, 'ck8s.config.yaml'), settings);
  return new Workspace(root, env);
}

function problems(settings: string): string[] {
  try {
    workspace(settings);
    return [];
  } catch (e) {
    return (e as ConfigError).problems.map((p) => `${p.file}: ${p.path}: ${p.message}`);
  }
}

describe('workspace settings: audit', () => {
  it('defaults to unsigned commits allowed on main', () => {
    expect(workspace('validation: {}\n').settings.audit).toEqual({ requireSignedCommits: false, mainBranch: 'main' });
  });

  it('reads the audit settings, and the schema variables leave them alone', () => {
    const w = workspace('audit:\n  requireSignedCommits: true\n  mainBranch: release/prod\n', { CK8S_SCHEMA_MIRROR: '/mirror' });
    expect(w.settings.audit).toEqual({ requireSignedCommits: true, mainBranch: 'release/prod' });
    expect(w.settings.validation).toEqual({ schemaMirror: '/mirror' });
  });

  it('names the bad field, its value and what is allowed', () => {
    expect(problems('audit:\n  requireSignedCommits: "yes"\n  mainBranch: "bad..name"\n  signed: true\n')).toEqual([
      'ck8s.config.yaml: audit.requireSignedCommits: "yes" is a string, expected boolean',
      'ck8s.config.yaml: audit.mainBranch: "bad..name" is not a git branch name (letters, digits, ".", "_", "-" and "/")',
      'ck8s.config.yaml: audit.signed: unknown field; allowed fields here: requireSignedCommits, mainBranch',
    ]);
  });
});
