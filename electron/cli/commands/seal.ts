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
      if (!signer && !o.unsigned) throw new UsageError('no signing key: make one with `evidence key create` (or give --key-file PEM, or --unsigned for a seal that proves nothing against a forger)');
      if (signer && o.unsigned) throw new UsageError('--unsigned and a signing key exclude each other');
      return withArchive(o, { write: true }, async (a) => {
        const before = chainHead(a.db)?.seq ?? 0;
        let seal: Seal;
        try {
          seal = await sealChain(a.db, a.dir, signer, resolveOperator(o.operator), tsaUrls.length ? {
            // A TSA that fails is said and left out; the seal itself never fails because of one.
            timestamp: async (bytes) => {
              const got = await requestTimestamps(tsaUrls, createHash('sha256').update(bytes).digest(), { signal: io.signal });
              for (const g of got) if (!g.ok) errLine(io, `warning: timestamp: ${g.error.message}`);
              return got.flatMap((g) => (g.ok ? [{ tsa: g.url, token: g.result.tsr.toString('base64') }] : []));
            },
          } : {});
        } catch (e) {
          if (!(e instanceof SealRefusedError)) throw e;
          if (o.json) printJson(io, { sealed: false, problems: e.problems });
          else {
            for (const p of e.problems) errLine(io, `FAIL row ${p.seq}: ${p.reason}`);
            errLine(io, 'NOT SEALED: the custody chain no longer matches its seals or its own hashes; run `evidence verify` and find out what changed before sealing again');
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
        outLine(io, `${created ? 'SEALED' : 'ALREADY SEALED'}: custody rows 1..${seal.seq}, head ${seal.head}`);
        outLine(io, `Merkle root ${seal.merkleRoot}`);
        outLine(io, seal.signer ? `signed by ${seal.signer.fingerprint}` : 'UNSIGNED: this seal proves nothing against someone who rewrites the archive');
        for (const t of seal.timestamps ?? []) outLine(io, `time-stamped by ${t.tsa}`);
        outLine(io, `recorded as custody row ${seal.seq + 1} and ${file}`);
        if (event?.firstUseOfKey && created) outLine(io, `first seal with this key in this archive: its public key is recorded in custody row ${seal.seq + 1}`);
        return 0;
      });
    },
  };
}

export const sealCommand = sealCommandWith(sealSignerFactory);
