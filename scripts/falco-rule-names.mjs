#!/usr/bin/env node
// Extracts the names a Falco rules file defines (rules with their exceptions' names and fields,
// macros, lists, and the filter fields its conditions and outputs use) into the index the ids
// package checks the platform's exceptions against. Names only: no condition, output or list item
// of the upstream file is copied. Run it on the pinned file, e.g. from a checkout of
// github.com/falcosecurity/rules:
//
//   git show falco-rules-5.1.0:rules/falco_rules.yaml > /tmp/falco_rules.yaml
//   node scripts/falco-rule-names.mjs --ref falco-rules:5.1.0 --tag falco-rules-5.1.0 \
//     --commit "$(git rev-parse falco-rules-5.1.0)" --path rules/falco_rules.yaml /tmp/falco_rules.yaml \
//     > packages/ids/data/falco-rules.names.json
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parse } from 'yaml';

// Falco's field classes (libsinsp filterchecks and the container plugin's); a name of one of these
// classes followed by a dot and a name is a field, an optional [argument] is left out
const FIELD_CLASSES = ['evt', 'proc', 'thread', 'user', 'group', 'container', 'fd', 'fdlist', 'k8s', 'fs', 'span', 'evtin', 'syscall'];
const FIELD = new RegExp(`(?<![\\w./-])(?:${FIELD_CLASSES.join('|')})\\.[a-z0-9_]+(?:\\.[a-z0-9_]+)*`, 'g');

const { values: opts, positionals } = parseArgs({
  options: { ref: { type: 'string' }, tag: { type: 'string' }, commit: { type: 'string' }, path: { type: 'string' } },
  allowPositionals: true,
});
for (const key of ['ref', 'tag', 'commit', 'path']) {
  if (!opts[key]) {
    process.stderr.write(`falco-rule-names: --${key} is required (the falcoctl ref, git tag, commit and path of the rules file)\n`);
    process.exit(2);
  }
}
if (positionals.length !== 1) {
  process.stderr.write('falco-rule-names: give exactly one rules file\n');
  process.exit(2);
}
const file = positionals[0];
const items = parse(readFileSync(file, 'utf8'));
if (!Array.isArray(items)) {
  process.stderr.write(`falco-rule-names: ${file} is not a Falco rules file (a YAML list)\n`);
  process.exit(1);
}

const sorted = (xs) => [...new Set(xs)].sort();
const rules = {};
const macros = [];
const lists = [];
const fields = [];
let requiredEngineVersion;
for (const item of items) {
  if (item.required_engine_version !== undefined) requiredEngineVersion = String(item.required_engine_version);
  if (typeof item.macro === 'string') macros.push(item.macro);
  if (typeof item.list === 'string') lists.push(item.list);
  if (typeof item.rule === 'string') {
    const exceptions = {};
    for (const e of item.exceptions ?? []) exceptions[e.name] = Array.isArray(e.fields) ? e.fields : [e.fields];
    rules[item.rule] = { exceptions, enabled: item.enabled !== false };
  }
  for (const text of [item.condition, item.output]) if (typeof text === 'string') fields.push(...(text.match(FIELD) ?? []));
  for (const e of item.exceptions ?? []) fields.push(...(Array.isArray(e.fields) ? e.fields : [e.fields]));
}

const index = {
  source: { repository: 'https://github.com/falcosecurity/rules', ref: opts.ref, tag: opts.tag, commit: opts.commit, path: opts.path },
  requiredEngineVersion: requiredEngineVersion ?? null,
  rules: Object.fromEntries(
    Object.keys(rules)
      .sort()
      .map((name) => [name, rules[name]]),
  ),
  macros: sorted(macros),
  lists: sorted(lists),
  fields: sorted(fields),
};
process.stdout.write(`${JSON.stringify(index, null, 2)}\n`);
