// printJsonStreamed writes what printJson writes, without one string for the whole value (D3).
import { describe, expect, it } from 'vitest';
import { printJsonStreamed } from '../../electron/cli/json-stream.ts';
import { printJson, type Io } from '../../electron/cli/io.ts';

const capture = (f: (io: Io) => void): { text: string; writes: number } => {
  let text = '';
  let writes = 0;
  f({ out: (t) => { text += t; writes++; }, err: () => undefined, isTTY: false, signal: new AbortController().signal });
  return { text, writes };
};

describe('printJsonStreamed', () => {
  it('is byte for byte printJson, undefined members, empty containers, toJSON and nesting included', () => {
    const value = { archive: '/a', n: 1, none: undefined, f: () => 1, at: new Date('2026-01-01T00:00:00Z'), empty: [], obj: {}, nested: { list: [1, 'x', null, undefined, { a: [[]], b: 'é\n"' }], deep: { x: [{}] } }, s: 'a\u0000b' };
    expect(capture((io) => printJsonStreamed(io, value)).text).toBe(capture((io) => printJson(io, value)).text);
    expect(capture((io) => printJsonStreamed(io, [])).text).toBe('[]\n');
    expect(capture((io) => printJsonStreamed(io, 'x')).text).toBe('"x"\n');
  });
  it('writes a large report in pieces', () => {
    const files = Array.from({ length: 20000 }, (_, i) => ({ path: `/card/Clips/ghost_${i}.mov`, status: 'missing', expected: { xxh64: '0123456789abcdef' } }));
    const { text, writes } = capture((io) => printJsonStreamed(io, { mhl: { files } }));
    expect(writes).toBeGreaterThan(10);
    expect(JSON.parse(text).mhl.files).toHaveLength(20000);
  });
});
