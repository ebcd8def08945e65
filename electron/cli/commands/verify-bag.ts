import type { Command } from 'commander';
import { verifyBag } from '../../core/verify/bag.ts';
import { statSync } from 'node:fs';
import { printJson, UsageError, type Io } from '../io.ts';
import type { CliCommand } from './shared.ts';
import { outLine, count } from './text.ts';

export const verifyBagCommand: CliCommand = {
  define: (p: Command) =>
    p.command('verify-bag').argument('<dir>', 'an exported bag folder').option('--json', 'print the report as JSON')
      .description('validate a received bag: manifests, tag manifests, Payload-Oxum, custody excerpt'),
  async run([dir, opts]: unknown[], io: Io) {
    const o = opts as { json?: boolean };
    const path = dir as string;
    let st;
    try {
      st = statSync(path);
    } catch {
      throw new UsageError(`${path}: no such folder`);
    }
    if (!st.isDirectory()) {
      throw new UsageError(/\.zip$/i.test(path)
        ? `${path} is a zipped bag: unzip it first (e.g. \`unzip ${path}\`) and verify the folder it holds`
        : `${path}: not a folder; give the folder of an exported bag`);
    }
    const r = await verifyBag(path, { signal: io.signal });
    if (o.json) printJson(io, r);
    else {
      // A received bag is someone else's: its file names and manifest lines are untrusted text.
      for (const p of r.problems) {
        const where = [p.file, p.seq !== undefined ? `custody row ${p.seq}` : undefined].filter(Boolean).join(' ');
        outLine(io, `FAIL${where ? ` ${where}` : ''}: ${p.reason}`);
      }
      outLine(io, `${r.valid ? 'VALID' : 'INVALID'}: ${r.bagDir}: ${count(r.payloadFiles, 'payload file')}, ${count(r.payloadBytes, 'byte')}, ${count(r.problems.length, 'problem')}` +
        `${r.tagManifestSha256 ? `; tag-manifest SHA-256 ${r.tagManifestSha256}` : ''}`);
    }
    return r.valid ? 0 : 1;
  },
};
