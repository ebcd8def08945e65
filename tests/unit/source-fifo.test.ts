// Named pipes are never opened to wait for a writer: a source swapped for one after the folder
// walk, or one planted in the object store, is refused at once instead of hanging an ingest or a
// verify that Ctrl-C could not stop (a hostile tester's finding).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, closeSync, constants, mkdirSync, mkdtempSync, openSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { copyTask, digestTask, stageTask } from '../../electron/core/ingest/task.ts';
import { copyOpenFile, openSource } from '../../electron/core/ingest/digest.ts';
import { prepareObjectStore, objectPath } from '../../electron/core/objects.ts';
import { EVIDENCE_BIN, runCliJson } from '../helpers/cli.ts';
import { REPO_ROOT } from '../helpers/corpus.ts';

const HAS_MKFIFO = spawnSync('mkfifo', ['--version']).status === 0;
const work = mkdtempSync(join(tmpdir(), 'ea-fifo-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const mkfifo = (p: string) => expect(spawnSync('mkfifo', [p]).status).toBe(0);

describe.skipIf(!HAS_MKFIFO)('named pipes', () => {
  it('are refused as sources on the small-file and large-file paths, without waiting for a writer', async () => {
    const objects = join(work, 'a', 'objects');
    const tmp = join(work, 'a', 'tmp');
    mkdirSync(tmp, { recursive: true });
    await prepareObjectStore(objects);
    const pipe = join(work, 'IMG_0002.JPG');
    mkfifo(pipe);
    const refused = `${pipe}: is not a regular file (a named pipe, socket or device); not read`;
    await expect(copyTask({ src: pipe, tmpDir: tmp, objectsDir: objects, algorithms: ['sha256'], counter: null, bytes: 5000 })).rejects.toThrow(refused);
    await expect(copyTask({ src: pipe, tmpDir: tmp, objectsDir: objects, algorithms: ['sha256'], counter: null, bytes: 5000, followLinks: true })).rejects.toThrow(refused);
    await expect(stageTask({ src: pipe, tmpDir: tmp })).rejects.toThrow(refused);
    await expect(digestTask({ path: pipe, algorithms: ['sha256'], counter: null })).rejects.toThrow(refused);
  });

  it.skipIf(process.platform !== 'linux')('swapped in after a large source was checked do not block its kernel copy, which copies the file that was checked', async () => {
    const src = join(work, 'MVI_0001.MOV');
    writeFileSync(src, 'the checked file\n');
    const fd = openSource(src, false);
    try {
      // Between the check and the copy, the path comes to name a pipe nobody writes to.
      renameSync(src, join(work, 'moved-away.MOV'));
      mkfifo(src);
      const dst = join(work, 'copy.part');
      const copying = copyOpenFile(fd, src, dst);
      const late = await Promise.race([copying.then(() => false), new Promise<boolean>((r) => setTimeout(() => r(true), 3000))]);
      if (late) {
        // Opening the pipe blocked the copy: give it a writer, so the thread it holds is freed.
        closeSync(openSync(src, constants.O_WRONLY | constants.O_NONBLOCK));
        await copying.catch(() => undefined);
      }
      expect(late).toBe(false);
      expect(readFileSync(dst, 'utf8')).toBe('the checked file\n');
    } finally {
      closeSync(fd);
    }
  });

  it('in the object store make verify fail and name them, and it ends', () => {
    const card = join(work, 'card');
    mkdirSync(card);
    writeFileSync(join(card, 'a.txt'), 'evidence a\n');
    writeFileSync(join(card, 'b.txt'), 'evidence b\n');
    const archive = join(work, 'archive');
    expect(runCliJson(['ingest', card, '--archive', archive, '--json']).code).toBe(0);
    // One recorded object replaced by a pipe, and a pipe at a well-formed address nothing records.
    const recorded = objectPath(join(archive, 'objects'), createHash('sha256').update('evidence a\n').digest('hex'));
    chmodSync(recorded, 0o644);
    rmSync(recorded);
    mkfifo(recorded);
    const stray = objectPath(join(archive, 'objects'), '0'.repeat(64));
    mkdirSync(join(stray, '..'), { recursive: true });
    mkfifo(stray);
    // Killed after a minute if it hangs, so a regression fails here instead of stalling the suite.
    const v = spawnSync(process.execPath, [EVIDENCE_BIN, 'verify', '--archive', archive, '--json'], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 60_000, killSignal: 'SIGKILL' });
    expect(v.signal).toBeNull();
    expect(v.status).toBe(1);
    const r = { json: JSON.parse(v.stdout) as { ok: boolean; problems: { kind: string; reason: string }[] } };
    expect(r.json.ok).toBe(false);
    // A pipe at an object's address is no file held by the archive: the object is missing.
    expect(r.json.problems.map((p) => p.kind).sort()).toEqual(['missing', 'unexpected']);
    // The reason names the item with the pipe's full path, then says what it is.
    const missing = r.json.problems.find((p) => p.kind === 'missing')!.reason;
    expect(missing).toContain(recorded);
    expect(missing).toMatch(/: is a named pipe, not a file held by the archive$/);
    expect(r.json.problems.find((p) => p.kind === 'unexpected')!.reason).toContain(stray);
  });
});
