// `raw` goes into the archive as JSON: every value must survive JSON.stringify unchanged in meaning.

/** Byte arrays longer than this are stored as base64 instead of a list of numbers. */
const MAX_INLINE_BYTES = 64;

/**
 * Returns a JSON-serialisable deep copy of a parser's output.
 * - Date → ISO 8601 UTC text (toISOString, so no dependency on the machine's zone);
 *   an invalid Date → null.
 * - Buffer / typed arrays → number arrays up to 64 elements, else `{ base64, length }`.
 * - Error → its message; Map → plain object, Set → array, bigint → decimal text, NaN/±Infinity → null,
 *   functions/symbols/undefined → dropped.
 * Never throws; cycles are cut and replaced by the text "[cycle]".
 */
export function toJsonSafe(value: unknown, seen: WeakSet<object> = new WeakSet()): unknown {
  if (value === null) return null;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) ? value : null;
    case 'bigint':
      return value.toString();
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined;
    default:
      break;
  }
  const obj = value as object;
  if (obj instanceof Date) return Number.isNaN(obj.getTime()) ? null : obj.toISOString();
  if (obj instanceof Error) return obj.message;
  if (obj instanceof Uint8Array || obj instanceof Uint8ClampedArray || obj instanceof DataView) {
    const bytes = new Uint8Array(obj.buffer, obj.byteOffset, obj.byteLength);
    return bytes.byteLength <= MAX_INLINE_BYTES
      ? Array.from(bytes)
      : { base64: Buffer.from(bytes).toString('base64'), length: bytes.byteLength };
  }
  if (ArrayBuffer.isView(obj)) {
    // Wider typed arrays (Uint16Array, Float64Array, BigInt64Array...) carry numbers, not bytes.
    return Array.from(obj as unknown as ArrayLike<number | bigint>, (n) =>
      typeof n === 'bigint' ? n.toString() : Number.isFinite(n) ? n : null,
    );
  }
  if (obj instanceof ArrayBuffer) return toJsonSafe(new Uint8Array(obj), seen);
  if (seen.has(obj)) return '[cycle]';
  seen.add(obj);
  try {
    if (Array.isArray(obj)) return obj.map((v) => toJsonSafe(v, seen) ?? null);
    if (obj instanceof Set) return Array.from(obj, (v) => toJsonSafe(v, seen) ?? null);
    const entries: Iterable<[unknown, unknown]> = obj instanceof Map ? obj.entries() : Object.entries(obj);
    const out: Record<string, unknown> = {};
    for (const [k, v] of entries) {
      const safe = toJsonSafe(v, seen);
      if (safe !== undefined) out[String(k)] = safe;
    }
    return out;
  } finally {
    seen.delete(obj);
  }
}
