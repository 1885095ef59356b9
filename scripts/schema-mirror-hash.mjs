#!/usr/bin/env node
// Prints a hash of the schema mirror named in ck8s.config.yaml, so Nx re-runs validation and
// tests when the mirror changes (the mirror lives outside the workspace, where Nx cannot glob).
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const settings = parse(readFileSync(path.join(root, 'ck8s.config.yaml'), 'utf8')) ?? {};
const mirror = settings.validation?.schemaMirror;
const hash = createHash('sha256');
if (mirror && existsSync(path.resolve(root, mirror))) {
  const walk = (dir) => {
    for (const entry of readdirSync(dir).sort()) {
      const file = path.join(dir, entry);
      if (statSync(file).isDirectory()) walk(file);
      else hash.update(`${path.relative(root, file)}\0`).update(readFileSync(file));
    }
  };
  walk(path.resolve(root, mirror));
}
process.stdout.write(hash.digest('hex'));
