import type { Command } from 'commander';
import { openArchive, resolveArchiveDir, type Archive } from '../../core/archive.ts';
import type { Io } from '../io.ts';

/** One `evidence` sub-command: its definition on the program, and what it does. */
export interface CliCommand {
  define(program: Command): Command;
  /** Receives commander's action arguments (positional values, then options, then the command). */
  run(args: unknown[], io: Io): Promise<number>;
}

export { archiveOption } from './options.ts';

/** Opens the archive named by `--archive`, runs `fn`, and always closes it (releasing the lock). */
export async function withArchive<T>(opts: { archive?: string }, mode: { write?: boolean; create?: boolean }, fn: (a: Archive) => Promise<T>): Promise<T> {
  const a = await openArchive(resolveArchiveDir(opts.archive), mode);
  try {
    return await fn(a);
  } finally {
    await a.close();
  }
}

/** Human-readable byte count (binary units). */
export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i === 0 ? v : v.toFixed(1)} ${units[i]}`;
}
