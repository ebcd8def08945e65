// Positional reads for header parsers: they look at a few KB of a file, never the whole of it.
import { open, type FileHandle } from 'node:fs/promises';

const BLOCK = 64 * 1024;

/**
 * Files up to this size (bytes) are parsed from one whole read rather than in chunks, both when
 * ingest already holds them in memory and when a stored file is read again, so both give the
 * same record (exifr's chunked reading can miss an XMP segment that a whole read finds).
 */
export const WHOLE_READ_MAX_BYTES = 8 * 1024 * 1024;

/** An open file plus its size, for header parsers that read by offset. */
export interface ByteSource {
  readonly size: number;
  /**
   * Reads up to `length` bytes at `position` (fewer at end of file; empty past it).
   * Throws only on I/O errors (EIO, EBADF), never for reads past the end.
   */
  read(position: number, length: number): Promise<Buffer>;
}

/**
 * A file whose whole content is already in memory (ingest reads a small file once, then hashes,
 * sniffs and parses that one buffer). `path` names it in messages and for tools that need a file.
 */
export interface InMemoryFile {
  readonly path: string;
  readonly bytes: Buffer;
}

/** What readers accept: a path to open, or a file already read into memory. */
export type FileInput = string | InMemoryFile;

/** The path of a FileInput (for messages and for external tools such as ffprobe). */
export function inputPath(input: FileInput): string {
  return typeof input === 'string' ? input : input.path;
}

function memorySource(bytes: Buffer): ByteSource {
  return {
    size: bytes.length,
    async read(position, length) {
      if (position >= bytes.length || length <= 0 || position < 0) return Buffer.alloc(0);
      return bytes.subarray(position, Math.min(bytes.length, position + length));
    },
  };
}

/**
 * Runs `fn` with a ByteSource over `input`: a path is opened read-only and always closed; an
 * InMemoryFile is read from its buffer. Throws what `fs.open` throws (ENOENT, EACCES, EISDIR)
 * and whatever `fn` throws.
 */
export async function withByteSource<T>(input: FileInput, fn: (src: ByteSource) => Promise<T>): Promise<T> {
  if (typeof input !== 'string') return fn(memorySource(input.bytes));
  const fh: FileHandle = await open(input, 'r');
  try {
    const { size } = await fh.stat();
    // Header parsers issue many tiny reads close together; one 64 KiB block serves most of them.
    let cacheStart = -1;
    let cache = Buffer.alloc(0);
    const src: ByteSource = {
      size,
      async read(position, length) {
        if (position >= size || length <= 0 || position < 0) return Buffer.alloc(0);
        const n = Math.min(length, size - position);
        if (cacheStart >= 0 && position >= cacheStart && position + n <= cacheStart + cache.length) {
          return cache.subarray(position - cacheStart, position - cacheStart + n);
        }
        const want = Math.max(n, Math.min(BLOCK, size - position));
        const buf = Buffer.allocUnsafe(want);
        const { bytesRead } = await fh.read(buf, 0, want, position);
        const got = buf.subarray(0, bytesRead);
        if (want <= BLOCK) {
          cacheStart = position;
          cache = got;
        }
        return got.subarray(0, Math.min(n, got.length));
      },
    };
    return await fn(src);
  } finally {
    await fh.close();
  }
}

/** Reads a four-character code (box/chunk type) as latin1 text. */
export function fourCC(buf: Buffer, offset: number): string {
  return buf.toString('latin1', offset, offset + 4);
}
