// A file met inside a folder is opened without following links: one swapped for a symbolic link
// after the folder walk (a hostile tester pointed one at a file outside the card) is refused, on
// the small-file path and on the large-file path alike; a link given directly as an input is
// still followed, as the README says.
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { commitTask, copyTask, digestTask, stageTask } from '../../electron/core/ingest/task.ts';
import { prepareObjectStore } from '../../electron/core/objects.ts';

const work = mkdtempSync(join(tmpdir(), 'ea-links-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const objects = join(work, 'archive', 'objects');
const tmp = join(work, 'archive', 'tmp');
mkdirSync(tmp, { recursive: true });
const secret = join(work, 'outside-the-card.txt');
writeFileSync(secret, 'a file that is not on the card\n');
const card = join(work, 'card');
mkdirSync(card);
const link = join(card, 'IMG_0001.JPG');
symlinkSync(secret, link);

describe('sources that are symbolic links', () => {
  it('are refused when met inside a folder (small-file path), and nothing is stored', async () => {
    await prepareObjectStore(objects);
    await expect(copyTask({ src: link, tmpDir: tmp, objectsDir: objects, algorithms: ['sha256'], counter: null, bytes: 31 }))
      .rejects.toThrow(`${link}: has become a symbolic link since the folder was listed; links inside folders are not followed; not ingested`);
    expect(readdirSync(tmp)).toEqual([]);
  });

  it('are refused on the large-file path too (stage, source digest, commit)', async () => {
    await expect(stageTask({ src: link, tmpDir: tmp })).rejects.toThrow(/has become a symbolic link/);
    await expect(digestTask({ path: link, algorithms: ['sha256'], counter: null, followLinks: false })).rejects.toThrow(/has become a symbolic link/);
    const real = join(card, 'real.bin');
    writeFileSync(real, 'x');
    const staged = await stageTask({ src: real, tmpDir: tmp });
    rmSync(real);
    symlinkSync(secret, real); // swapped between the copy and its check
    const d = { digests: { sha256: createHash('sha256').update('x').digest('hex') }, bytes: 1 };
    await expect(commitTask({ src: real, tmp: staged.tmp, objectsDir: objects, before: staged.before, source: d, copy: d })).rejects.toThrow(/has become a symbolic link/);
  });

  it('are followed when given directly as an input', async () => {
    const r = await copyTask({ src: link, tmpDir: tmp, objectsDir: objects, algorithms: ['sha256'], counter: null, bytes: 31, followLinks: true });
    expect(r.digests.sha256).toBe(createHash('sha256').update('a file that is not on the card\n').digest('hex'));
  });
});
