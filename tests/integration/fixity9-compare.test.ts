// fixity9 §3: `compare` on a card whose listed file changed AFTER it was offloaded (verified
// against the card's hash list at ingest, then changed on the card) stays NOT SAFE, and says what
// is true: the card's file differs from the archive's copy and from its hash list; the archive
// holds the file as offloaded.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliJson, runCli } from '../helpers/cli-inprocess.ts';
import { sealCard, writeCard } from '../helpers/mhl-card.ts';

const tmp = mkdtempSync(join(tmpdir(), 'fixity9-compare-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('compare: a listed file changed on the card after the offload (fixity9 §3)', () => {
  it('says the archive holds the file as offloaded, not the changed one', async () => {
    const archive = join(tmp, 'arc');
    const A = ['--archive', archive];
    const card = join(tmp, 'A009R1AB');
    writeCard(card, { 'Clips/A009C001.mov': randomBytes(5000), 'Clips/A009C002.mov': randomBytes(5000) });
    await sealCard(card, new Date('2024-05-01T09:00:00Z'));
    expect((await runCli('init', archive)).code).toBe(0);
    const ing = await runCli('ingest', card, '--no-previews', '--operator', 'T', ...A);
    expect(ing.code, ing.out + ing.err).toBe(0);
    const items = await cliJson<{ id: number; sources: { name: string }[] }[]>('list', '--json', ...A);
    const id = items.find((i) => i.sources[0]!.name === 'A009C002.mov')!.id;
    writeFileSync(join(card, 'Clips/A009C002.mov'), randomBytes(5000)); // changed on the card after the offload

    const j = await runCli('compare', card, '--json', ...A);
    expect(j.code).toBe(1);
    const report = JSON.parse(j.out) as { safeToFormat: boolean; hashListMismatches: { path: string; cardFileItem: number | null; offloadedItem: number | null }[] };
    expect(report.safeToFormat).toBe(false);
    expect(report.hashListMismatches).toEqual([{ path: join(card, 'Clips/A009C002.mov'), cardFileItem: null, offloadedItem: id }]);

    const text = await runCli('compare', card, ...A);
    expect(text.code).toBe(1);
    expect(text.out).not.toContain('the archive holds the changed file');
    expect(text.out).toMatch(new RegExp(`A009C002\\.mov [^\\n]*differs from its hash list and from the archive's copy: it changed on the card after it was offloaded; the archive holds the file as offloaded \\(item ${id}, `, 'u'));
    expect(text.out).toContain('NOT SAFE TO FORMAT');
    const ru = await runCli('--lang', 'ru', 'compare', card, ...A);
    expect(ru.out).toContain(`в архиве хранится файл в том виде, в каком он был скопирован (объект ${id},`);
  }, 60_000);
});
