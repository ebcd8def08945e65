/** Where a command writes; tests pass buffers, the real CLI passes the process streams. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
  /** True when stderr is a terminal (progress bars only then). */
  isTTY: boolean;
  /** Cancelled on Ctrl-C. */
  signal: AbortSignal;
}

/**
 * Exit codes of every `evidence` command (DESIGN.md §1). BUSY has its own code so that a script
 * can tell "try again when the other process is done" from a verification that failed.
 */
export const EXIT = { OK: 0, FAILED: 1, USAGE: 2, INTERNAL: 3, BUSY: 4 } as const;

/** Thrown by a command for a user mistake (bad option value, unknown id): exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Prints a value as indented JSON followed by a newline. */
export function printJson(io: Io, value: unknown): void {
  io.out(JSON.stringify(value, null, 2) + '\n');
}
