// RFC 8785 canonical JSON, fast for the plain data the custody log hashes.
import canonicalize from 'canonicalize';

/** Thrown inside the fast path for anything it does not handle itself; caught in canonicalJson. */
const SLOW = Symbol('use the canonicalize library');

// Property names V8 may order as integers rather than in insertion order: all-digit names are
// left to the library, whatever their size.
const DIGITS = /^\d+$/;

/**
 * A copy of `v` whose objects have their own keys inserted in ascending UTF-16 code-unit order
 * (RFC 8785 §3.2.3), for JSON.stringify to write out. Throws SLOW for anything outside plain
 * JSON data: undefined, functions, symbols, bigints, non-finite numbers, strings with a lone
 * surrogate, objects that are not plain (Date, Map, toJSON), all-digit keys and "__proto__".
 */
function sortedCopy(v: unknown): unknown {
  switch (typeof v) {
    case 'string':
      if (!v.isWellFormed()) throw SLOW;
      return v;
    case 'number':
      if (!Number.isFinite(v)) throw SLOW;
      return v;
    case 'boolean':
      return v;
    case 'object': {
      if (v === null) return v;
      if (typeof (v as { toJSON?: unknown }).toJSON === 'function') throw SLOW;
      if (Array.isArray(v)) {
        // A hole reads as undefined, which throws SLOW: the library writes nothing there, JSON.stringify null.
        const out: unknown[] = new Array(v.length);
        for (let i = 0; i < v.length; i++) out[i] = sortedCopy(v[i]);
        return out;
      }
      const proto = Object.getPrototypeOf(v) as unknown;
      if (proto !== Object.prototype && proto !== null) throw SLOW;
      const keys = Object.keys(v).sort();
      // A plain object, which JSON.stringify writes on its fast path (a null-prototype one it
      // gave up on ~2,200 levels deep, where the library still succeeds); so "__proto__", which
      // would set the copy's prototype, is left to the library.
      const out: Record<string, unknown> = {};
      for (const k of keys) {
        if (DIGITS.test(k) || k === '__proto__' || !k.isWellFormed()) throw SLOW;
        const x = (v as Record<string, unknown>)[k];
        if (x === undefined) throw SLOW;
        out[k] = sortedCopy(x);
      }
      return out;
    }
    default:
      throw SLOW;
  }
}

/**
 * The RFC 8785 (JSON Canonicalization Scheme) serialisation of `value`: object keys sorted by
 * UTF-16 code units (§3.2.3), numbers and strings as ECMAScript's JSON.stringify writes them
 * (§3.2.2), no whitespace. Plain JSON data is written by sorting a copy of it and handing that to
 * JSON.stringify (native, about three times faster); anything else goes to the `canonicalize`
 * library, which gives the same text for plain data (tests/unit/canonical-json.test.ts compares
 * the two). Returns undefined where the library does (a top-level undefined or function).
 * Throws Error for NaN, ±Infinity, lone surrogates and circular references, as the library does.
 */
export function canonicalJson(value: unknown): string | undefined {
  try {
    return JSON.stringify(sortedCopy(value));
  } catch {
    // SLOW, or a stack overflow on a circular or very deep value: the library decides (and throws).
    return canonicalize(value);
  }
}
