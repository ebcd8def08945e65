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

/** Writes a JSON array one element at a time (see jsonArrayWriter). */
export interface JsonArrayWriter {
  add(value: unknown): void;
  /** Closes the array and writes what is pending; returns the element count. */
  end(): number;
}

/**
 * A JSON array written as its elements come, `perWrite` elements per write: byte for byte what
 * printJson prints for the whole array (two-space indent, newline at the end), with the memory
 * of `perWrite` elements instead of the whole text.
 */
export function jsonArrayWriter(io: Io, perWrite = 500): JsonArrayWriter {
  let pending: unknown[] = [];
  let n = 0;
  const flush = () => {
    if (!pending.length) return;
    // An indented array of the pending elements is "[\n" + their indented texts joined by ",\n"
    // + "\n]": the inside is exactly what they add to the whole array.
    const text = JSON.stringify(pending, null, 2);
    io.out((n === pending.length ? '[\n' : ',\n') + text.slice(2, -2));
    pending = [];
  };
  return {
    add(value) {
      pending.push(value);
      n++;
      if (pending.length >= perWrite) flush();
    },
    end() {
      flush();
      io.out(n === 0 ? '[]\n' : '\n]\n');
      return n;
    },
  };
}
