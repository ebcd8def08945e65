import { main } from '../../electron/cli/main.ts';

/** Runs the real `evidence` CLI in-process; returns exit code, stdout and stderr. */
export async function runCli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { out: (t) => { out += t; }, err: (t) => { err += t; }, isTTY: false, signal: new AbortController().signal });
  return { code, out, err };
}

/** Runs the CLI and parses stdout as JSON; throws with stderr when the exit code is not 0. */
export async function cliJson<T = unknown>(...argv: string[]): Promise<T> {
  const r = await runCli(...argv);
  if (r.code !== 0) throw new Error(`evidence ${argv.join(' ')} exited ${r.code}: ${r.err}`);
  return JSON.parse(r.out) as T;
}
