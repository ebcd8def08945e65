// Sealing and checking seals at scale: `node bin/run-ts.mjs bench/seal.ts [--rows N] [--per-item K]`.
// Synthesizes a catalog of N custody rows (K per item, real chain hashes, inserted straight into
// SQLite), then times each step in its own process and reports wall time and peak RSS (maxRSS).
import { generateKeyPairSync } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { GENESIS_HASH, custodyRowHash } from '../electron/core/custody/hash.ts';
import { excerptProof, verifyExcerptProof } from '../electron/core/custody/excerpt-proof.ts';
import { listCustodyEvents, appendCustodyEvent, verifyCustodyLog } from '../electron/core/custody/log.ts';
import { sealChain, verifySeals } from '../electron/core/custody/seal.ts';
import { loadMigrationSteps, openDb } from '../electron/core/db/open.ts';
import { pemFileSigner } from '../electron/core/signing/pem-signer.ts';
import type { CustodyEventType } from '../electron/common/types.ts';

const args = process.argv.slice(2);
const opt = (name: string, dflt: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1]! : dflt;
};

const TYPES: CustodyEventType[] = ['ingestion', 'message digest calculation', 'metadata extraction', 'fixity check'];
const itemSha = (i: number) => i.toString(16).padStart(64, '0').replace(/^0/, 'a');

/** N rows, `perItem` per item, one archive-wide row every 1,000; real hashes; one transaction. */
async function synthesize(dir: string, n: number, perItem: number): Promise<void> {
  await loadMigrationSteps();
  const db = openDb(join(dir, 'archive.sqlite'));
  const ins = db.prepare('INSERT INTO custody_events (seq, at, actor, type, item, detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
  // A new catalog already holds the migrations' own rows (the gazetteer seed): go on from its head.
  const head = db.prepare('SELECT seq, hash FROM custody_events ORDER BY seq DESC LIMIT 1').get() as { seq: number; hash: string } | undefined;
  let prev = head?.hash ?? GENESIS_HASH;
  db.transaction(() => {
    let item = 0;
    let k = 0;
    for (let seq = (head?.seq ?? 0) + 1; seq <= n; seq++) {
      const wide = seq % 1000 === 0;
      const row = {
        seq, at: new Date(Date.UTC(2024, 0, 1) + seq * 1000).toISOString(), actor: 'bench', type: wide ? 'fixity check' as const : TYPES[k % TYPES.length]!,
        item: wide ? null : itemSha(item), detail: wide ? { scope: 'archive', seq } : { n: k, note: 'synthetic row for the seal benchmark' }, prevHash: prev,
      };
      const hash = custodyRowHash(row);
      ins.run(seq, row.at, row.actor, row.type, row.item, JSON.stringify(row.detail), prev, hash);
      prev = hash;
      if (!wide && ++k === perItem) {
        k = 0;
        item++;
      }
    }
  })();
  db.close();
}

function keyFile(dir: string): string {
  const file = join(dir, 'key.pem');
  writeFileSync(file, generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }));
  return file;
}

/** Runs one step in this process and prints {step, seconds, maxRssMiB, ...} as JSON. */
async function step(name: string, dir: string): Promise<void> {
  const db = openDb(join(dir, 'archive.sqlite'));
  const signer = pemFileSigner(join(dir, 'key.pem'));
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  let extra: Record<string, unknown> = {};
  if (name === 'seal' || name === 'seal-again') {
    if (name === 'seal-again') appendCustodyEvent(db, { actor: 'bench', type: 'fixity check', item: null, detail: {} });
    const s = await sealChain(db, dir, signer, 'bench');
    extra = { sealed: s.seq };
  } else if (name === 'verify-seals') {
    const r = db.transaction(() => verifySeals(db, dir))();
    extra = { seals: r.seals.length, problems: r.problems.length, rootChecked: r.seals.filter((s) => s.rootChecked).map((s) => s.seq) };
  } else if (name === 'verify-chain') {
    extra = { rows: verifyCustodyLog(db).rows };
  } else if (name === 'excerpt') {
    const s = db.transaction(() => verifySeals(db, dir, { noRoots: true }))();
    const last = s.seals.at(-1)!;
    const seal = JSON.parse((db.prepare('SELECT detail FROM custody_events WHERE seq = ?').get(last.eventSeq) as { detail: string }).detail).seal;
    // Three items: near the start, the middle and the end of the log.
    const items = [0.01, 0.5, 0.99].map((f) => (db.prepare('SELECT item FROM custody_events WHERE item IS NOT NULL AND seq >= ? ORDER BY seq LIMIT 1').get(Math.floor(seal.seq * f)) as { item: string }).item);
    const proof = excerptProof(db, seal, items);
    const events = listCustodyEvents(db, { items }).filter((e) => e.seq <= seal.seq);
    const v = verifyExcerptProof({ chainHead: { seq: seal.seq, hash: seal.head }, events, seal, proof }, items);
    extra = { leaves: proof.leaves.length, nodes: proof.nodes.length, proofBytes: JSON.stringify(proof).length, problems: v.problems.length };
  }
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  db.close();
  console.log(JSON.stringify({ step: name, seconds: Number(seconds.toFixed(2)), cpuSeconds: Number(((cpu.user + cpu.system) / 1e6).toFixed(2)), maxRssMiB: Math.round(process.resourceUsage().maxRSS / 1024), ...extra }));
}

const self = fileURLToPath(import.meta.url);
if (args[0] === '--step') {
  await step(args[1]!, args[2]!);
} else {
  const n = Number(opt('--rows', '1000000'));
  const perItem = Number(opt('--per-item', '4'));
  const dir = mkdtempSync(join(resolve(process.env.EVIDENCE_BENCH_DIR ?? tmpdir()), 'ea-seal-bench-'));
  try {
    const t = performance.now();
    await synthesize(dir, n, perItem);
    keyFile(dir);
    console.log(JSON.stringify({ step: 'synthesize', rows: n, perItem, seconds: Number(((performance.now() - t) / 1000).toFixed(2)) }));
    if (args.includes('--keep')) {
      console.log(JSON.stringify({ kept: dir }));
      process.exit(0);
    }
    for (const s of ['seal', 'verify-seals', 'seal-again', 'verify-seals', 'excerpt', 'verify-chain']) {
      const r = spawnSync(process.execPath, ['--import', 'tsx', self, '--step', s, dir], { stdio: ['ignore', 'inherit', 'inherit'] });
      if (r.status !== 0) throw new Error(`step ${s} failed (${r.status})`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
