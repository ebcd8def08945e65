import type { Command } from 'commander';
import { resolveOperator } from '../../core/archive.ts';
import { chainHead } from '../../core/custody/log.ts';
import { sealChain, SealRefusedError, type Seal } from '../../core/custody/seal.ts';
import { readSealEvents } from '../../core/custody/seal-store.ts';
import { sealFileName } from '../../core/custody/seal-format.ts';
import { createHash } from 'node:crypto';
import { requestTimestamps } from '../../core/timestamp/bag.ts';
import { resolveTsaUrls } from '../../core/timestamp/urls.ts';
import { printJson, UsageError, type Io } from '../io.ts';
import { sealSignerFactory, type SealSignerFactory } from './seal-signer.ts';
import { archiveOption, withArchive, type CliCommand } from './shared.ts';
import { collect } from './options.ts';
import { errLine, outLine } from './text.ts';
import { t as tr } from '../i18n/index.ts';

/** `evidence seal` with the signer from `factory` (the keystore's, once it lands; a --key-file PEM until then). */
export function sealCommandWith(factory: SealSignerFactory): CliCommand {
  return {
    define: (p: Command) =>
      archiveOption(p.command('seal')).option('--operator <name>', 'who seals (custody log)')
        .option('--key <name>', 'the keystore key to seal with (default: $EVIDENCE_KEY, or the only key)')
        .option('--key-file <pem>', 'Ed25519 private key (PEM, PKCS#8; passphrase from $EVIDENCE_KEY_PASSPHRASE when encrypted)')
        .option('--unsigned', 'seal without a key: the Merkle root is recorded, but an unsigned seal proves nothing against someone rewriting the archive')
        .option('--tsa <url>', 'also time-stamp the seal (RFC 3161); repeat for several (default: $EVIDENCE_TSA); the network is used only then', collect)
        .option('--json', 'print the seal as JSON')
        .description('seal the custody chain: sign its head and Merkle root, record the seal in the log and under seals/'),
    async run([opts]: unknown[], io: Io) {
      const o = opts as { archive?: string; operator?: string; key?: string; keyFile?: string; unsigned?: boolean; json?: boolean; tsa?: string[] };
      const tsaUrls = resolveTsaUrls(o.tsa);
      const signer = o.unsigned && !o.key && !o.keyFile ? null : await factory({ keyFile: o.keyFile, key: o.key }, io);
      if (!signer && !o.unsigned) throw new UsageError(tr('seal:noKey'));
      if (signer && o.unsigned) throw new UsageError(tr('seal:unsignedAndKey'));
      return withArchive(o, { write: true }, async (a) => {
        const before = chainHead(a.db)?.seq ?? 0;
        let seal: Seal;
        try {
          seal = await sealChain(a.db, a.dir, signer, resolveOperator(o.operator), tsaUrls.length ? {
            // A TSA that fails is said and left out; the seal itself never fails because of one.
            timestamp: async (bytes) => {
              const got = await requestTimestamps(tsaUrls, createHash('sha256').update(bytes).digest(), { signal: io.signal });
              for (const g of got) if (!g.ok) errLine(io, tr('seal:tsaWarning', { error: g.error.message }));
              return got.flatMap((g) => (g.ok ? [{ tsa: g.url, token: g.result.tsr.toString('base64') }] : []));
            },
          } : {});
        } catch (e) {
          if (!(e instanceof SealRefusedError)) throw e;
          if (o.json) printJson(io, { sealed: false, problems: e.problems });
          else {
            for (const p of e.problems) errLine(io, tr('seal:failRow', { seq: p.seq, reason: p.reason }));
            errLine(io, tr('seal:notSealed'));
          }
          return 1;
        }
        const created = (chainHead(a.db)?.seq ?? 0) > before;
        const event = readSealEvents(a.db, seal.seq + 1).find((e) => e.eventSeq === seal.seq + 1);
        const file = `seals/${sealFileName(seal.seq)}`;
        if (o.json) {
          printJson(io, { sealed: true, new: created, eventSeq: seal.seq + 1, file, firstUseOfKey: event?.firstUseOfKey ?? false, seal });
          return 0;
        }
        outLine(io, tr(created ? 'seal:sealed' : 'seal:already', { seq: seal.seq, head: seal.head }));
        outLine(io, tr('seal:root', { root: seal.merkleRoot }));
        outLine(io, seal.signer ? tr('seal:signedBy', { fingerprint: seal.signer.fingerprint }) : tr('seal:unsigned'));
        for (const t of seal.timestamps ?? []) outLine(io, tr('seal:timestamped', { tsa: t.tsa }));
        outLine(io, tr('seal:recorded', { row: seal.seq + 1, file }));
        if (event?.firstUseOfKey && created) outLine(io, tr('seal:firstUse', { row: seal.seq + 1 }));
        return 0;
      });
    },
  };
}

export const sealCommand = sealCommandWith(sealSignerFactory);
