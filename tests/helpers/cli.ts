import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from './corpus.ts';

/** The `evidence` entry point as installed by npm (bin/evidence.mjs). */
export const EVIDENCE_BIN = join(REPO_ROOT, 'bin', 'evidence.mjs');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the real `evidence` CLI in a child process and waits for it. */
export function runCli(args: string[], env: Record<string, string> = {}): CliResult {
  const r = spawnSync(process.execPath, [EVIDENCE_BIN, ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, EVIDENCE_OPERATOR: 'test-operator', ...env },
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Runs the CLI and parses its stdout as JSON; throws with stderr when it is not JSON. */
export function runCliJson<T = unknown>(args: string[], env: Record<string, string> = {}): { code: number; json: T; stderr: string } {
  const r = runCli(args, env);
  try {
    return { code: r.code, json: JSON.parse(r.stdout) as T, stderr: r.stderr };
  } catch {
    throw new Error(`evidence ${args.join(' ')} (exit ${r.code}) did not print JSON:\n${r.stdout}\n${r.stderr}`);
  }
}

/** Starts the CLI without waiting (for kill/interrupt tests). */
export function startCli(args: string[], env: Record<string, string> = {}): ChildProcess {
  return spawn(process.execPath, [EVIDENCE_BIN, ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, EVIDENCE_OPERATOR: 'test-operator', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}
