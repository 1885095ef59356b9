// Loaded with `node --import` into a ck8s process to test crashes and overlapping runs for real:
// it wraps the file-system calls that change something (and the spawn of the folder-swap helper)
// and, as CK8S_FAULT says, kills the process with SIGKILL (no finally block, no exit handler runs)
// right before the Nth call of a class, or slows each call of a class down.
//   CK8S_FAULT=kill:rename:3   SIGKILL before the 3rd rename (renameSync or the swap helper)
//   CK8S_FAULT=kill:any:17     SIGKILL before the 17th change of any kind
//   CK8S_FAULT=delay:rename:300  sleep 300 ms before every rename
//   CK8S_FAULT=pause:rename:1 CK8S_FAULT_GATE=<file>  before the 1st rename, wait until <file> exists
//     (a test holds a run at a known point, e.g. with the repository lock taken, until it opens the gate)
// With CK8S_FAULT_COUNTS=<file>, the numbers of calls per class are written there at exit.
import { createRequire, syncBuiltinESMExports } from 'node:module';
import * as path from 'node:path';

const require = createRequire(import.meta.url);
const fs = require('node:fs');
const childProcess = require('node:child_process');
// kept before wrapping: writing the counts is not part of the run
const realWriteFileSync = fs.writeFileSync;

const [mode, target, amount] = (process.env.CK8S_FAULT ?? '').split(':');
const counts = { rename: 0, any: 0 };
const sleeper = new Int32Array(new SharedArrayBuffer(4));

function before(kind) {
  counts.any++;
  if (kind === 'rename') counts.rename++;
  if (target !== 'any' && target !== kind) return;
  if (mode === 'kill' && counts[target] === Number(amount)) process.kill(process.pid, 'SIGKILL');
  if (mode === 'delay') Atomics.wait(sleeper, 0, 0, Number(amount));
  if (mode === 'pause' && counts[target] === Number(amount)) while (!fs.existsSync(process.env.CK8S_FAULT_GATE)) Atomics.wait(sleeper, 0, 0, 50);
}

function wrap(object, name, kind, applies = () => true) {
  const original = object[name];
  if (typeof original !== 'function') return;
  object[name] = function (...args) {
    if (applies(...args)) before(kind);
    return original.apply(this, args);
  };
}

const writesByFlags = (_file, flags) => typeof flags === 'string' && /[wax+]/.test(flags);
for (const name of ['renameSync']) wrap(fs, name, 'rename');
for (const name of [
  'writeFileSync',
  'appendFileSync',
  'mkdirSync',
  'mkdtempSync',
  'rmSync',
  'rmdirSync',
  'unlinkSync',
  'linkSync',
  'symlinkSync',
  'copyFileSync',
  'cpSync',
  'writeSync',
])
  wrap(fs, name, 'any');
wrap(fs, 'openSync', 'any', writesByFlags);
// the swap helper exchanges two folders: for a crash test it is a rename like any other
const isSwapHelper = (file) => typeof file === 'string' && path.basename(file).startsWith('ck8s-rename-exchange');
for (const name of ['spawnSync', 'execFileSync']) wrap(childProcess, name, 'rename', isSwapHelper);
syncBuiltinESMExports();

if (process.env.CK8S_FAULT_COUNTS) {
  const file = process.env.CK8S_FAULT_COUNTS;
  process.on('exit', () => realWriteFileSync(file, JSON.stringify(counts)));
}
