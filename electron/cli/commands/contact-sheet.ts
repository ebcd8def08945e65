// `evidence contact-sheet ITEM --out FILE`: the contact sheet of a video item (derivatives/
// filmstrip.ts: frames across the clip with their timecodes, headed by the file's name and
// SHA-256) written as a JPEG to FILE. A convenience for looking at footage, never evidence: no
// custody event; the archive is opened read-only and the original only read.
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { resolveItemRef } from '../../core/db/items.ts';
import { contactSheetJpeg, SHEET_FRAMES } from '../../core/derivatives/filmstrip.ts';
import { clipOf } from '../../core/service/items-query.ts';
import { t } from '../i18n/index.ts';
import { printJson, UsageError, type Io } from '../io.ts';
import { archiveOption, withArchive, type CliCommand } from './shared.ts';
import { outLine, printable } from './text.ts';

interface Options {
  archive?: string;
  out?: string;
  force?: boolean;
  json?: boolean;
}

export const contactSheetCommand: CliCommand = {
  define: (p: Command) =>
    archiveOption(p.command('contact-sheet').argument('<item>', t('library:itemArg')))
      .requiredOption('--out <file>', t('library:optOut'))
      .option('--force', t('library:optForce'))
      .option('--json', 'print the result as JSON')
      .description(t('library:contactSheetDesc')),
  async run([ref, opts]: unknown[], io: Io) {
    const o = opts as Options;
    const out = resolve(o.out!);
    if (existsSync(out) && !o.force) throw new UsageError(t('library:outExists', { file: printable(out) }));
    return withArchive(o, {}, async (a) => {
      let id: number;
      try {
        id = resolveItemRef(a.db, ref as string).id;
      } catch (e) {
        throw new UsageError(printable((e as Error).message));
      }
      const clip = clipOf(a.db, id)!;
      if (clip.kind !== 'video' || !clip.durationSec) throw new UsageError(t('library:notAClip', { id, kind: clip.kind }));
      const jpeg = await contactSheetJpeg(a.objectsDir, clip, io.signal);
      await writeFile(out, jpeg);
      if (o.json) printJson(io, { item: id, sha256: clip.sha256, out, frames: SHEET_FRAMES, bytes: jpeg.length });
      else outLine(io, t('library:written', { file: out, count: SHEET_FRAMES, name: clip.name }));
      return 0;
    });
  },
};
