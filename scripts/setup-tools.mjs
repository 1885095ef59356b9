#!/usr/bin/env node
// Installs the pinned command-line tools of tools.json into .tools/bin with `go install`, and
// builds every module folder under tools/: ck8s' own Go helpers (e.g. tools/ck8s-rename-exchange)
// and wrapper modules of tools `go install pkg@version` cannot build (e.g. tools/promtool: its
// module has replace directives), which name the package in a `tool` directive of their go.mod and
// may give build tags and ldflags in a build.json.
// Idempotent: a tool is rebuilt only when its pin (for a helper: the hash of its files) changes
// (recorded in .tools/bin/.pins.json).
// Also makes sure Debian's chromium and redis-server are there for the tests that run them (see ensureDebianPackage).
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = path.join(root, '.tools', 'bin');
const pinsFile = path.join(bin, '.pins.json');
const { tools } = JSON.parse(readFileSync(path.join(root, 'tools.json'), 'utf8'));

try {
  await execa('go', ['version']);
} catch {
  console.error('setup: go is not on PATH; install Go 1.22 or newer (https://go.dev/doc/install), then run `npm run setup` again');
  process.exit(1);
}

mkdirSync(bin, { recursive: true });
const installed = existsSync(pinsFile) ? JSON.parse(readFileSync(pinsFile, 'utf8')) : {};
const started = Date.now();
let built = 0;
for (const [name, { module, version, versionVariable }] of Object.entries(tools)) {
  // `go install` leaves a release's version variable at its source default (helm would say v3.22, not
  // v3.22.0); the release build sets it with -X, and so does this. Part of the pin: a change rebuilds.
  const ldflags = versionVariable ? `-X ${versionVariable}=${version}` : undefined;
  const pin = `${module}@${version}${ldflags ? ` ${ldflags}` : ''}`;
  if (installed[name] === pin && existsSync(path.join(bin, name))) continue;
  process.stdout.write(`setup: go install ${ldflags ? `-ldflags "${ldflags}" ` : ''}${module}@${version}\n`);
  try {
    await execa('go', ['install', ...(ldflags ? ['-ldflags', ldflags] : []), `${module}@${version}`], {
      env: { GOBIN: bin, CGO_ENABLED: '0', GOFLAGS: '-trimpath -buildvcs=false' },
      stdio: 'inherit',
    });
  } catch (e) {
    console.error(
      `setup: go install ${module}@${version} failed (${e.shortMessage ?? e.message}); check that the Go module proxy is reachable (GOPROXY=${process.env.GOPROXY ?? 'default'})`,
    );
    process.exit(1);
  }
  installed[name] = pin;
  writeFileSync(pinsFile, `${JSON.stringify(installed, null, 2)}\n`);
  built++;
}
// ck8s' own helpers: small Go modules of this repository, built with the same flags
const helpersDir = path.join(root, 'tools');
const helpers = existsSync(helpersDir)
  ? readdirSync(helpersDir)
      .filter((d) => existsSync(path.join(helpersDir, d, 'go.mod')))
      .sort()
  : [];
for (const name of helpers) {
  const dir = path.join(helpersDir, name);
  const hash = createHash('sha256');
  for (const file of readdirSync(dir).sort()) hash.update(`${file}\0`).update(readFileSync(path.join(dir, file)));
  const pin = `./tools/${name}#${hash.digest('hex').slice(0, 16)}`;
  if (installed[name] === pin && existsSync(path.join(bin, name))) continue;
  const tool = /^tool\s+(\S+)\s*$/m.exec(readFileSync(path.join(dir, 'go.mod'), 'utf8'))?.[1];
  const buildFile = path.join(dir, 'build.json');
  const { tags = [], ldflags } = existsSync(buildFile) ? JSON.parse(readFileSync(buildFile, 'utf8')) : {};
  const flags = [...(tags.length > 0 ? ['-tags', tags.join(',')] : []), ...(ldflags ? ['-ldflags', ldflags] : [])];
  process.stdout.write(
    `setup: go build ${flags.map((f) => (f.includes(' ') ? `"${f}"` : f)).join(' ')}${flags.length > 0 ? ' ' : ''}${tool ?? '.'} (./tools/${name})\n`,
  );
  try {
    await execa('go', ['build', ...flags, '-o', path.join(bin, name), tool ?? '.'], {
      cwd: dir,
      env: { CGO_ENABLED: '0', GOFLAGS: '-trimpath -buildvcs=false -mod=readonly' },
      stdio: 'inherit',
    });
  } catch (e) {
    console.error(
      `setup: go build ./tools/${name} failed (${e.shortMessage ?? e.message}); check that the Go module proxy is reachable (GOPROXY=${process.env.GOPROXY ?? 'default'})`,
    );
    process.exit(1);
  }
  installed[name] = pin;
  writeFileSync(pinsFile, `${JSON.stringify(installed, null, 2)}\n`);
  built++;
}
const names = [...Object.keys(tools), ...helpers].join(', ');
console.log(
  built === 0
    ? `setup: ${names} up to date in .tools/bin`
    : `setup: built ${built} tool(s) in ${((Date.now() - started) / 1000).toFixed(1)}s; ${names} ready in .tools/bin`,
);

/**
 * Debian packages some tests run: chromium for the report's browser test (npm never downloads a
 * browser), redis-server for Argo CD's cache in the Argo CD end-to-end scenario. As root with
 * apt-get each is installed here; otherwise this says what to run, and the test that needs it
 * fails with the same advice rather than being skipped.
 * @param binary where the package puts the program
 * @param override an environment variable that names another program instead, if any
 */
async function ensureDebianPackage({ pkg, binary, why, override }) {
  const program = (override && process.env[override]) || binary;
  if (!existsSync(program) && !(override && process.env[override])) {
    const root = process.getuid?.() === 0;
    const apt = await execa('apt-get', ['--version']).then(
      () => true,
      () => false,
    );
    if (!root || !apt) {
      console.error(
        `setup: ${program} is missing; ${why} needs it: install Debian's ${pkg} (${root ? '' : 'sudo '}apt-get install -y --no-install-recommends ${pkg})${override ? ` or set ${override} to another ${pkg} binary` : ''}`,
      );
      return;
    }
    // a package's postinst may try to start its service: the policy of the machine decides (containers forbid it)
    const env = { DEBIAN_FRONTEND: 'noninteractive' };
    const install = () => execa('apt-get', ['install', '-y', '--no-install-recommends', pkg], { env, stdio: 'inherit' });
    process.stdout.write(`setup: ${pkg} is missing; apt-get install -y --no-install-recommends ${pkg}\n`);
    try {
      await install().catch(async () => {
        // package lists may be missing or stale on a fresh machine
        process.stdout.write(`setup: apt-get update, then install ${pkg} again\n`);
        await execa('apt-get', ['update'], { env, stdio: 'inherit' });
        await install();
      });
    } catch (e) {
      console.error(`setup: installing ${pkg} failed (${e.shortMessage ?? e.message}); ${why} fails until ${program} exists`);
      return;
    }
  }
  if (!existsSync(program)) {
    console.error(`setup: ${override && process.env[override] ? `${override}=` : ''}${program} does not exist; ${why} fails until it does`);
    return;
  }
  const version = await execa(program, ['--version'], { reject: false });
  console.log(`setup: ${version.stdout.trim().split('\n')[0] || pkg} at ${program}`);
}

await ensureDebianPackage({
  pkg: 'chromium',
  binary: '/usr/bin/chromium',
  why: "the report's browser test",
  override: 'CK8S_CHROMIUM',
});
await ensureDebianPackage({ pkg: 'redis-server', binary: '/usr/bin/redis-server', why: 'the Argo CD end-to-end scenario (Argo CD caches in Redis)' });
