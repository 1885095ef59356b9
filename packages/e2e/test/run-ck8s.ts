import { main } from '@ck8s/cli';

/** Runs the ck8s CLI in-process in a folder (a scenario's fleet work tree); fails the test with its output when it fails. */
export async function runCk8s(cwd: string, args: string[], stdin = ''): Promise<string> {
  let out = '';
  const code = await main(args, { cwd, stdout: (t) => (out += t), stderr: (t) => (out += t), readStdin: async () => stdin });
  if (code !== 0) throw new Error(`ck8s ${args.join(' ')} exited ${code}:\n${out}`);
  return out;
}
