// The ck8s command as a bundle: Node then reads a few dozen files instead of about a thousand
// modules, which is most of a short command's start. Each command's dynamic imports stay chunks
// of their own, so a command still loads only what it uses.
import { defineConfig } from 'rolldown';

export default defineConfig({
  // the synthesis worker is an entry of its own: worker threads load it by its file name
  input: { main: 'dist/main.js', 'synth-worker': 'dist/synth-worker.js' },
  platform: 'node',
  logLevel: 'warn',
  output: { dir: 'dist/bundle', format: 'esm', entryFileNames: '[name].js', chunkFileNames: '[name]-[hash].js', cleanDir: true },
});
