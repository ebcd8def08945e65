// File names on a card are bytes. Linux allows any bytes but '/' and NUL, and cards written by
// old Windows tools carry CP1251/CP866 names that are not UTF-8. Node turns such bytes into
// U+FFFD in strings, after which the file can no longer be opened by that name, so the walk keeps
// the bytes, and shows people a readable, unambiguous text form.

const fatal = new TextDecoder('utf-8', { fatal: true });

/** True when `bytes` is well-formed UTF-8 (RFC 3629). */
export function isUtf8(bytes: Uint8Array): boolean {
  try {
    fatal.decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/**
 * The text form of a file name or path given as bytes: valid UTF-8 sequences decoded, every byte
 * that is not part of one written as `\xNN` (two upper-case hex digits), e.g. the CP1251 name
 * `0xCF 0xF0 0xE8 .jpg` becomes `\xCF\xF0\xE8.jpg`. Lossless for display; not used to open files.
 */
export function displayName(bytes: Uint8Array): string {
  if (isUtf8(bytes)) return Buffer.from(bytes).toString('utf8');
  let out = '';
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    const len = b < 0x80 ? 1 : b >= 0xf0 && b <= 0xf4 ? 4 : b >= 0xe0 ? 3 : b >= 0xc2 && b <= 0xdf ? 2 : 0;
    if (len > 0 && i + len <= bytes.length && isUtf8(bytes.subarray(i, i + len))) {
      out += Buffer.from(bytes.subarray(i, i + len)).toString('utf8');
      i += len;
    } else {
      out += `\\x${b.toString(16).toUpperCase().padStart(2, '0')}`;
      i += 1;
    }
  }
  return out;
}

/**
 * The reason a file failed, for the report: the error's message, with the file's display path
 * (`path`, see displayName) in place of the U+FFFD-mangled text Node puts in its fs messages for
 * a name that is not UTF-8 (`rawPath`, the name's bytes), and prefixed with `path` when the
 * message does not name the file already. Never throws.
 */
export function failureText(path: string, e: unknown, rawPath?: Uint8Array): string {
  let msg = e instanceof Error ? e.message : String(e);
  if (rawPath) msg = msg.split(Buffer.from(rawPath).toString('utf8')).join(path);
  return msg.includes(path) ? msg : `${path}: ${msg}`;
}
