// The ck8s command as a bundle: Node then reads a few dozen files instead of about a thousand
// modules, which is most of a short command's start. Each command's dynamic imports stay chunks
// of their own, so a command still loads only what it uses.
import { defineConfig } from 'rolldown';

export default defineConfig({
  input: { main: 'dist/main.js' },
  platform: 'node',
  logLevel: 'warn',
  output: { dir: 'dist/bundle', format: 'esm', entryFileNames: '[name].js', chunkFileNames: '[name]-[hash].js', cleanDir: true },
});
