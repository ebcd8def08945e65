// JSON output of a value too large for one string (an ingest report of a card whose hash list
// names a million files): written piece by piece, byte for byte what printJson prints
// (JSON.stringify(value, null, 2) and a newline), in writes of about 64 KiB.
import type { Io } from './io.ts';

const isPlain = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && typeof (v as { toJSON?: unknown }).toJSON !== 'function';

/**
 * Prints `value` as printJson would (two-space indent, newline at the end) without ever holding
 * its whole text: plain objects and arrays are walked, anything else (strings, numbers, objects
 * with toJSON) is given to JSON.stringify. As JSON.stringify: an undefined, function or symbol
 * member of an object is left out, and is null in an array.
 */
export function printJsonStreamed(io: Io, value: unknown): void {
  let buf = '';
  const put = (s: string) => {
    buf += s;
    if (buf.length >= 65536) {
      io.out(buf);
      buf = '';
    }
  };
  const skipped = (v: unknown) => v === undefined || typeof v === 'function' || typeof v === 'symbol';
  const walk = (v: unknown, indent: string): void => {
    if (Array.isArray(v)) {
      if (!v.length) return put('[]');
      const inner = `${indent}  `;
      put('[\n');
      v.forEach((x, i) => {
        put(inner);
        if (skipped(x)) put('null');
        else walk(x, inner);
        put(i < v.length - 1 ? ',\n' : `\n${indent}]`);
      });
      return;
    }
    if (isPlain(v)) {
      const keys = Object.keys(v).filter((k) => !skipped(v[k]));
      if (!keys.length) return put('{}');
      const inner = `${indent}  `;
      put('{\n');
      keys.forEach((k, i) => {
        put(`${inner}${JSON.stringify(k)}: `);
        walk(v[k], inner);
        put(i < keys.length - 1 ? ',\n' : `\n${indent}}`);
      });
      return;
    }
    const text = JSON.stringify(v, null, 2) ?? 'null';
    put(indent ? text.replaceAll('\n', `\n${indent}`) : text);
  };
  walk(value, '');
  put('\n');
  io.out(buf);
}
