// The checks VERIFY.html runs on a bag the user chose: BagIt 1.0 (RFC 8493), the SSH signature
// over the tag manifest, time-stamp tokens (read, not validated), and the custody excerpt with its
// seal and completeness proof (docs/seal-and-proof.md). Plain functions over BagFile, so that the
// same code runs in the page and, in tests, in Node.

import { decodeUtf8, equalBytes, utf8 } from './bytes.ts';
import { checkProof, checkSeal, CUSTODY_FILE, readExcerpt, type Excerpt, type SealResult } from './custody.ts';
import { digestFile, digestHexLength, digestSupported, type BagFile } from './digest.ts';
import { checkItems, ITEMS_FILE, type ManifestEntry } from './items.ts';
import { msg, statusOf, type CheckLine, type Msg, type Problem, type Status } from './report.ts';
import { readOpenPgpKey, verifyOpenPgpDetached, OpenPgpError } from './openpgp.ts';
import { parseAllowedSigners, sshsigVerify, SshsigError } from './sshsig.ts';
import { readTimestamp } from './timestamp.ts';

export type { BagFile } from './digest.ts';

const ITEMS_CSV_FILE = 'evidence/items.csv';
export const SIGNATURE_FILE = 'signatures/tagmanifest-sha256.txt.sshsig';
export const ALLOWED_SIGNERS_FILE = 'signatures/allowed_signers';
const PGP_FILE = 'signatures/tagmanifest-sha256.txt.asc';
const PGP_KEY_FILE = 'signatures/signer.asc';
/** The files of a signed bag (electron/core/signing/bag-signature.ts SIGNATURE_FILES): with none of them a bag is "not signed". */
const SIGNATURE_FILES = ['signatures/tagmanifest-sha256.txt.sshsig', 'signatures/allowed_signers', PGP_FILE, PGP_KEY_FILE];
const TOKEN_FILE = /^signatures\/tagmanifest-sha256\.txt\.([1-9][0-9]{0,8})\.tsr$/u;
const CHAIN_FILE = /^signatures\/tagmanifest-sha256\.txt\.([1-9][0-9]{0,8})\.tsr\.crt$/u;
const tokenNumber = (p: string) => Number(TOKEN_FILE.exec(p)?.[1] ?? 0);
/** Namespace of the bag's SSH signature (`ssh-keygen -Y sign -n file`). */
export const FILE_NAMESPACE = 'file';

/** Progress while files are hashed. */
export interface Progress {
  /** Bag-relative path of the file being read. */
  file: string;
  doneBytes: number;
  totalBytes: number;
}

/** Everything the page shows. */
export interface VerifyReport {
  lines: CheckLine[];
  /** Some line failed: the set must not be relied on. */
  failed: boolean;
  /** The SSH signature holds and its key is in allowed_signers. */
  signed: boolean;
  /** The seal's signature holds (and, with the proof, the custody history is shown complete). */
  sealed: boolean;
  /** The bag's signer, when the SSH signature holds by the key allowed_signers names; openPgpFingerprint when the OpenPGP signature holds too. */
  signer: { fingerprint: string; identity: string | null; openPgpFingerprint: string | null } | null;
  /** genTime (ISO 8601 UTC) of each time-stamp token that names this tag manifest; empty when there is none or one is wrong. */
  timestamps: string[];
  /** Fingerprint of the key that signed the seal, if any. */
  sealFingerprint: string | null;
  payloadFiles: number;
  payloadBytes: number;
  /** Lower-case hex SHA-256 of tagmanifest-sha256.txt as found, or null. */
  tagManifestSha256: string | null;
}

function nfc(s: string): string {
  return s.normalize('NFC');
}

function byPath(a: string, b: string): number {
  // UTF-8 byte order, as the manifests are written.
  const x = utf8(a);
  const y = utf8(b);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return (x[i] as number) - (y[i] as number);
  return x.length - y.length;
}

/**
 * The files as seen from the bag's root: unchanged when bagit.txt is at the top; when the user
 * chose the folder above the bag (one sub-folder holds bagit.txt, the top does not), that
 * sub-folder's files with its name taken off.
 */
export function rebaseToBag(files: readonly BagFile[]): BagFile[] {
  if (files.some((f) => f.path === 'bagit.txt')) return [...files];
  const roots = new Set(files.filter((f) => /^[^/]+\/bagit\.txt$/u.test(f.path)).map((f) => f.path.split('/')[0]));
  if (roots.size !== 1) return [...files];
  const root = `${[...roots][0]}/`;
  return files.filter((f) => f.path.startsWith(root)).map((f) => ({ ...f, path: f.path.slice(root.length), read: f.read }));
}

/** RFC 8493 §2.2.4: lines end in LF, CR or CRLF. */
function splitLines(text: string): string[] {
  return text.split(/\r\n|\r|\n/u);
}

/** RFC 8493 §2.1.3: only %0D, %0A and %25 are encoded. */
function decodeManifestPath(p: string): string {
  return p.replace(/%(0D|0A|25)/giu, (_m, c: string) => (c.toUpperCase() === '0D' ? '\r' : c.toUpperCase() === '0A' ? '\n' : '%'));
}

interface Manifest {
  name: string;
  alg: string;
  isTag: boolean;
  entries: ManifestEntry[];
  problems: Problem[];
}

function parseManifest(name: string, alg: string, isTag: boolean, text: string): Manifest {
  const m: Manifest = { name, alg, isTag, entries: [], problems: [] };
  const hexLength = digestHexLength(alg);
  const seen = new Set<string>();
  splitLines(text).forEach((line, i) => {
    if (line.trim() === '') return;
    const parts = /^([0-9A-Fa-f]+)[ \t]+(.+)$/u.exec(line);
    if (!parts?.[1] || !parts[2]) {
      m.problems.push({ file: name, msg: msg('manifest.badLine', { line: i + 1 }) });
      return;
    }
    const hex = parts[1].toLowerCase();
    const path = decodeManifestPath(parts[2]);
    const segs = path.split('/');
    if (hex.length !== hexLength) m.problems.push({ file: name, msg: msg('manifest.badLength', { line: i + 1, alg, digits: hexLength }) });
    else if (path.startsWith('/') || /^[A-Za-z]:/u.test(path) || segs.some((s) => s === '' || s === '.' || s === '..')) {
      m.problems.push({ file: name, msg: msg('manifest.badPath', { line: i + 1, path }) });
    } else if (isTag && path.startsWith('data/')) m.problems.push({ file: name, msg: msg('manifest.tagListsPayload', { path }) });
    else if (!isTag && !path.startsWith('data/')) m.problems.push({ file: name, msg: msg('manifest.outsideData', { path }) });
    else if (seen.has(nfc(path))) m.problems.push({ file: path, msg: msg('manifest.twice', { manifest: name }) });
    else {
      seen.add(nfc(path));
      m.entries.push({ path, hex });
    }
  });
  return m;
}

/** bag-info.txt elements; continuation lines joined with LF (RFC 8493 §2.2.2). */
function parseBagInfo(text: string, problems: Problem[]): [string, string][] {
  const out: [string, string][] = [];
  splitLines(text).forEach((line, i) => {
    if (line === '') return;
    const last = out[out.length - 1];
    if (/^[ \t]/u.test(line)) {
      if (last) last[1] += '\n' + line.trim();
      else problems.push({ file: 'bag-info.txt', msg: msg('bagInfo.badLine', { line: i + 1 }) });
      return;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) {
      problems.push({ file: 'bag-info.txt', msg: msg('bagInfo.badLine', { line: i + 1 }) });
      return;
    }
    out.push([line.slice(0, colon).trim(), line.slice(colon + 1).trim()]);
  });
  return out;
}

function line(id: string, status: Status, title: Msg, summary: Msg, problems: Problem[] = [], notes: Msg[] = []): CheckLine {
  return { id, status, title, summary, problems, notes };
}

/**
 * Runs every check on the bag whose files are `given` (paths relative to the chosen folder; see
 * rebaseToBag) and returns one line per check. Payload and tag files are read once each, in
 * slices, for all the algorithms that list them; `onProgress` follows the bytes. Never rejects
 * for a bad bag (that is reported); rejects only with `signal`'s reason when aborted.
 */
export async function verifyBag(given: readonly BagFile[], opts: { onProgress?: (p: Progress) => void; signal?: AbortSignal } = {}): Promise<VerifyReport> {
  const files = new Map<string, BagFile>();
  const lines: CheckLine[] = [];
  const dupes: Problem[] = [];
  for (const f of rebaseToBag(given)) {
    if (files.has(nfc(f.path))) dupes.push({ file: f.path, msg: msg('bag.sameName') });
    else files.set(nfc(f.path), f);
  }
  const payload = [...files.values()].filter((f) => f.path.startsWith('data/')).sort((a, b) => byPath(a.path, b.path));
  const payloadBytes = payload.reduce((n, f) => n + f.size, 0);
  const report: VerifyReport = {
    lines, failed: false, signed: false, sealed: false, signer: null, sealFingerprint: null, timestamps: [],
    payloadFiles: payload.length, payloadBytes, tagManifestSha256: null,
  };
  const readAll = async (path: string): Promise<Uint8Array | null> => {
    const f = files.get(path);
    if (!f) return null;
    return f.read(0, f.size);
  };
  /** A tag file's text; null when absent; problems for unreadable or non-UTF-8 files. */
  const readText = async (path: string, problems: Problem[]): Promise<string | null> => {
    let bytes: Uint8Array | null;
    try {
      bytes = await readAll(path);
    } catch (e) {
      problems.push({ file: path, msg: msg('file.unreadable', { why: (e as Error).message }) });
      return null;
    }
    if (bytes === null) return null;
    const text = decodeUtf8(bytes);
    if (text === null) problems.push({ file: path, msg: msg('file.notUtf8') });
    return text ?? new TextDecoder().decode(bytes);
  };

  // 1. The declaration.
  const rootNames = [...files.keys()].filter((p) => !p.includes('/'));
  if (!files.has('bagit.txt') && payload.length === 0 && !rootNames.some((p) => /^(tag)?manifest-.+\.txt$/u.test(p))) {
    lines.push(line('bagit', 'fail', msg('line.bagit'), msg('bag.notABag')));
    report.failed = true;
    return report;
  }
  {
    const problems: Problem[] = [...dupes];
    const text = await readText('bagit.txt', problems);
    if (text === null && !problems.length) problems.push({ file: 'bagit.txt', msg: msg('bagit.missing') });
    if (text !== null) {
      if (text.startsWith('\ufeff')) problems.push({ file: 'bagit.txt', msg: msg('bagit.bom') });
      const l = splitLines(text.replace(/^\ufeff/u, ''));
      if (l[0] !== 'BagIt-Version: 1.0') problems.push({ file: 'bagit.txt', msg: msg('bagit.version', { found: l[0] ?? '' }) });
      if (l[1] !== 'Tag-File-Character-Encoding: UTF-8') problems.push({ file: 'bagit.txt', msg: msg('bagit.encoding', { found: l[1] ?? '' }) });
      if (l.slice(2).some((x) => x !== '')) problems.push({ file: 'bagit.txt', msg: msg('bagit.extraLines') });
    }
    if (files.has('fetch.txt')) problems.push({ file: 'fetch.txt', msg: msg('bagit.fetch') });
    lines.push(line('bagit', statusOf(problems), msg('line.bagit'), problems.length ? msg('summary.problems', { count: problems.length }) : msg('bagit.ok'), problems));
  }

  // 2. bag-info.txt and Payload-Oxum.
  let bagInfo: [string, string][] = [];
  {
    const problems: Problem[] = [];
    const text = await readText('bag-info.txt', problems);
    if (text !== null) bagInfo = parseBagInfo(text, problems);
    const oxum = bagInfo.filter(([l]) => l.toLowerCase() === 'payload-oxum');
    if (oxum.length > 1) problems.push({ file: 'bag-info.txt', msg: msg('bagInfo.oxumTwice') });
    const value = oxum[0]?.[1];
    const m = value === undefined ? null : /^(\d+)\.(\d+)$/u.exec(value);
    if (value !== undefined && !m) problems.push({ file: 'bag-info.txt', msg: msg('bagInfo.oxumShape', { value }) });
    else if (m && (Number(m[1]) !== payloadBytes || Number(m[2]) !== payload.length)) {
      problems.push({ file: 'bag-info.txt', msg: msg('bagInfo.oxum', { value: value ?? '', actual: `${payloadBytes}.${payload.length}` }) });
    }
    const summary = problems.length ? msg('summary.problems', { count: problems.length })
      : text === null ? msg('bagInfo.none') : value === undefined ? msg('bagInfo.noOxum') : msg('bagInfo.ok', { files: payload.length, bytes: payloadBytes });
    lines.push(line('bag-info', statusOf(problems), msg('line.bagInfo'), summary, problems));
  }
  const redacted = bagInfo.some(([l, v]) => l.toLowerCase() === 'evidence-redaction' && v !== '');

  // 3. Manifests, read.
  const manifests: Manifest[] = [];
  const tagManifests: Manifest[] = [];
  const unsupported: Problem[] = [];
  for (const name of rootNames.sort(byPath)) {
    const m = /^(tag)?manifest-(.+)\.txt$/u.exec(name);
    if (!m?.[2]) continue;
    const alg = m[2];
    const problems: Problem[] = [];
    const text = await readText(name, problems);
    if (!digestSupported(alg)) {
      unsupported.push({ file: name, msg: msg('manifest.unsupported', { alg }) });
      continue;
    }
    const parsed = parseManifest(name, alg, m[1] === 'tag', text ?? '');
    parsed.problems.unshift(...problems);
    (parsed.isTag ? tagManifests : manifests).push(parsed);
  }

  // 4. Digests: each listed file read once for every algorithm that lists it.
  const needed = new Map<string, Set<string>>();
  for (const m of [...manifests, ...tagManifests]) {
    for (const e of m.entries) {
      const f = files.get(nfc(e.path));
      if (!f) continue;
      const algs = needed.get(nfc(e.path)) ?? new Set<string>();
      algs.add(m.alg);
      needed.set(nfc(e.path), algs);
    }
  }
  const totalBytes = [...needed.keys()].reduce((n, p) => n + (files.get(p)?.size ?? 0), 0);
  let doneBytes = 0;
  const computed = new Map<string, Record<string, string>>();
  const readErrors = new Map<string, string>();
  for (const path of [...needed.keys()].sort(byPath)) {
    const f = files.get(path) as BagFile;
    opts.onProgress?.({ file: f.path, doneBytes, totalBytes });
    try {
      computed.set(path, await digestFile(f, [...(needed.get(path) as Set<string>)], (n) => {
        doneBytes += n;
        opts.onProgress?.({ file: f.path, doneBytes, totalBytes });
      }, opts.signal));
    } catch (e) {
      if (opts.signal?.aborted) throw e;
      readErrors.set(path, (e as Error).message);
    }
  }
  opts.onProgress?.({ file: '', doneBytes: totalBytes, totalBytes });
  const compare = (m: Manifest, problems: Problem[]) => {
    for (const e of m.entries) {
      const got = computed.get(nfc(e.path))?.[m.alg];
      const why = readErrors.get(nfc(e.path));
      if (!files.has(nfc(e.path))) problems.push({ file: e.path, msg: msg('manifest.missing', { manifest: m.name }) });
      else if (why !== undefined) problems.push({ file: e.path, msg: msg('file.unreadable', { why }) });
      else if (got !== undefined && got !== e.hex) problems.push({ file: e.path, msg: msg('manifest.mismatch', { alg: m.alg, manifest: m.name, listed: e.hex, actual: got }) });
    }
  };

  // 5. Payload manifests, each its own line.
  if (manifests.length === 0) {
    const problems = [{ msg: msg('manifest.none') }, ...unsupported.filter((p) => !p.file?.startsWith('tag'))];
    lines.push(line('manifest', 'fail', msg('line.manifestNone'), msg('summary.problems', { count: problems.length }), problems));
  }
  for (const m of manifests) {
    const problems = [...m.problems];
    compare(m, problems);
    const bytes = m.entries.reduce((n, e) => n + (files.get(nfc(e.path))?.size ?? 0), 0);
    lines.push(line(`manifest-${m.alg}`, statusOf(problems), msg('line.manifest', { name: m.name }),
      problems.length ? msg('summary.problems', { count: problems.length }) : msg('manifest.ok', { files: m.entries.length, bytes }), problems));
  }
  for (const u of manifests.length ? unsupported.filter((p) => !p.file?.startsWith('tag')) : []) {
    lines.push(line(`manifest-${u.file}`, 'fail', msg('line.manifest', { name: u.file ?? '' }), u.msg, [u]));
  }

  // 6. Payload files outside the manifests.
  {
    const problems: Problem[] = [];
    for (const m of manifests) {
      const listed = new Set(m.entries.map((e) => nfc(e.path)));
      for (const f of payload) if (!listed.has(nfc(f.path))) problems.push({ file: f.path, msg: msg('payload.unlisted', { manifest: m.name }) });
    }
    lines.push(line('payload-listed', statusOf(problems), msg('line.payloadListed'),
      problems.length ? msg('summary.problems', { count: problems.length }) : msg('payload.ok', { files: payload.length }), problems));
  }

  // 7. Tag manifests.
  const evidenceFiles = [...files.values()].filter((f) => f.path.startsWith('evidence/')).map((f) => f.path).sort(byPath);
  if (tagManifests.length === 0) {
    const problems: Problem[] = [{ msg: msg('tagmanifest.none') }, ...unsupported.filter((p) => p.file?.startsWith('tag'))];
    lines.push(line('tagmanifest', 'fail', msg('line.tagmanifestNone'), msg('summary.problems', { count: problems.length }), problems));
  }
  for (const m of tagManifests) {
    const problems = [...m.problems];
    compare(m, problems);
    const listed = new Set(m.entries.map((e) => nfc(e.path)));
    for (const pm of manifests) if (!listed.has(pm.name)) problems.push({ file: pm.name, msg: msg('tagmanifest.manifestUnlisted', { manifest: m.name }) });
    for (const p of evidenceFiles) if (!listed.has(nfc(p))) problems.push({ file: p, msg: msg('tagmanifest.evidenceUnlisted', { manifest: m.name }) });
    lines.push(line(`tagmanifest-${m.alg}`, statusOf(problems), msg('line.tagmanifest', { name: m.name }),
      problems.length ? msg('summary.problems', { count: problems.length }) : msg('tagmanifest.ok', { files: m.entries.length }), problems));
  }
  for (const u of tagManifests.length ? unsupported.filter((p) => p.file?.startsWith('tag')) : []) {
    lines.push(line(`tagmanifest-${u.file}`, 'fail', msg('line.tagmanifest', { name: u.file ?? '' }), u.msg, [u]));
  }

  // 8. The signature over tagmanifest-sha256.txt.
  let tagManifestBytes: Uint8Array | null = null;
  try {
    tagManifestBytes = await readAll('tagmanifest-sha256.txt');
  } catch {
    tagManifestBytes = null;
  }
  report.tagManifestSha256 = computed.get('tagmanifest-sha256.txt')?.sha256 ?? null;
  lines.push(await checkSignature(files, tagManifestBytes, report, readText));

  // 9. Time-stamp tokens.
  const stamps = await checkTimestamps(files, tagManifestBytes, readAll);
  lines.push(stamps.line);
  report.timestamps = stamps.times;

  // 10. The custody excerpt, its seal and proof; 11. the items.
  const itemProblems: Problem[] = [];
  let itemsDoc: unknown = undefined;
  const itemsText = await readText(ITEMS_FILE, itemProblems);
  if (itemsText === null) itemProblems.push({ file: ITEMS_FILE, msg: msg('items.missing') });
  else {
    try {
      itemsDoc = JSON.parse(itemsText);
    } catch (e) {
      itemProblems.push({ file: ITEMS_FILE, msg: msg('file.notJson', { why: (e as Error).message }) });
    }
  }
  if (!files.has(ITEMS_CSV_FILE)) itemProblems.push({ file: ITEMS_CSV_FILE, msg: msg('items.csvMissing') });

  const custodyProblems: Problem[] = [];
  let excerpt: Excerpt | null = null;
  const custodyText = await readText(CUSTODY_FILE, custodyProblems);
  if (custodyText === null) custodyProblems.push({ file: CUSTODY_FILE, msg: msg('custody.missing') });
  else {
    try {
      const read = readExcerpt(JSON.parse(custodyText), redacted);
      excerpt = read.excerpt;
      custodyProblems.push(...read.problems);
    } catch (e) {
      custodyProblems.push({ file: CUSTODY_FILE, msg: msg('file.notJson', { why: (e as Error).message }) });
      excerpt = { events: [], withheld: new Set(), head: null, seal: undefined, proof: undefined };
    }
  }
  const items = itemsDoc === undefined ? { shas: [], problems: [] } : checkItems(
    itemsDoc, manifests.find((m) => m.alg === 'sha256')?.entries ?? null, payload.map((f) => f.path), excerpt, redacted);
  itemProblems.push(...items.problems);

  lines.push(line('custody-events', statusOf(custodyProblems), msg('line.custodyEvents'),
    custodyProblems.length ? msg('summary.problems', { count: custodyProblems.length })
      : msg(excerpt?.withheld.size ? 'custody.okWithheld' : 'custody.ok', { events: excerpt?.events.length ?? 0, withheld: excerpt?.withheld.size ?? 0, head: excerpt?.head?.seq ?? 0 }),
    custodyProblems));

  const seal: SealResult = excerpt ? checkSeal(excerpt) : checkSeal({ events: [], withheld: new Set(), head: null, seal: undefined, proof: undefined });
  report.sealFingerprint = seal.state === 'signed' ? seal.fingerprint : null;
  // The proof cannot show that an event was not moved into withheldSeqs; only the bag's signature by
  // the seal's own key covers that list (docs/seal-and-proof.md, "What the proof does not show").
  // An archive that seals also signs: a sealed set without a bag signature had its signatures removed,
  // and then nothing binds withheldSeqs or the tag files to the sealer.
  if (seal.state === 'signed' && lines.find((l) => l.id === 'signature')?.status === 'warn') {
    seal.problems.push({ file: CUSTODY_FILE, msg: msg('seal.noBagSignature', { seal: seal.fingerprint ?? '' }) });
    seal.state = 'bad';
    report.sealFingerprint = seal.fingerprint;
  } else if (seal.state === 'signed' && report.signer && seal.fingerprint !== report.signer.fingerprint) {
    seal.problems.push({ file: CUSTODY_FILE, msg: msg('seal.otherSigner', { seal: seal.fingerprint ?? '', bag: report.signer.fingerprint }) });
    seal.state = 'bad';
    report.sealFingerprint = seal.fingerprint;
  }
  lines.push(line('seal', seal.state === 'bad' ? 'fail' : seal.state === 'signed' ? 'ok' : 'warn', msg('line.seal'),
    seal.state === 'bad' ? msg('summary.problems', { count: seal.problems.length })
      : seal.state === 'signed' ? msg('seal.ok', { seq: seal.seq ?? 0, at: seal.sealedAt ?? '?', fingerprint: seal.fingerprint ?? '' })
        : msg(seal.state === 'unsigned' ? 'seal.unsigned' : 'seal.none'),
    seal.problems, seal.timestamps > 0 ? [msg('seal.timestamps', { count: seal.timestamps })] : []));

  if (seal.state === 'none') {
    lines.push(line('proof', 'warn', msg('line.proof'), msg('proof.unsealed')));
  } else {
    const problems = excerpt ? checkProof(excerpt, seal, items.shas) : [];
    const status: Status = problems.length ? 'fail' : seal.state === 'signed' ? 'ok' : 'warn';
    lines.push(line('proof', status, msg('line.proof'), problems.length ? msg('summary.problems', { count: problems.length })
      : seal.state === 'signed' ? msg('proof.ok', { items: items.shas.length }) : msg('proof.unproven'), problems));
  }
  lines.push(line('items', statusOf(itemProblems), msg('line.items'),
    itemProblems.length ? msg('summary.problems', { count: itemProblems.length }) : msg('items.ok', { items: items.shas.length }), itemProblems));

  report.sealed = seal.state === 'signed' && lines.find((l) => l.id === 'proof')?.status === 'ok';
  report.failed = lines.some((l) => l.status === 'fail');
  return report;
}

/**
 * The bag's signatures over tagmanifest-sha256.txt, as electron/core/signing/bag-signature.ts
 * verifyBagSignatures judges them: "not signed" (a warning) only when none of the four files of
 * signatures/ is there; otherwise allowed_signers must hold exactly one signer, the SSH signature
 * (namespace "file") must hold and be made by that key, and the OpenPGP signature must hold,
 * made by the key in signer.asc, which must be the same Ed25519 key. Sets report.signer (when
 * the SSH signature holds by the allowed key) and report.signed (when every part holds).
 */
async function checkSignature(
  files: Map<string, BagFile>,
  tagManifest: Uint8Array | null,
  report: VerifyReport,
  readText: (path: string, problems: Problem[]) => Promise<string | null>,
): Promise<CheckLine> {
  const problems: Problem[] = [];
  const notes: Msg[] = [];
  const present = SIGNATURE_FILES.filter((f) => files.has(f));
  if (present.length === 0) return line('signature', 'warn', msg('line.signature'), msg('signature.none'));
  const bad = () => line('signature', 'fail', msg('line.signature'), msg('signature.bad'), problems, notes);
  if (tagManifest === null) {
    problems.push({ file: 'tagmanifest-sha256.txt', msg: msg('signature.noTagManifest') });
    return bad();
  }
  const [armored, allowedText, pgpText, pgpKeyText] = [
    await readText(SIGNATURE_FILE, problems), await readText(ALLOWED_SIGNERS_FILE, problems), await readText(PGP_FILE, problems), await readText(PGP_KEY_FILE, problems),
  ];

  let allowedKey: Uint8Array | null = null;
  let principals = '';
  if (allowedText === null) problems.push({ file: ALLOWED_SIGNERS_FILE, msg: msg('signature.noAllowedSigners') });
  else {
    const signers = parseAllowedSigners(allowedText);
    const only = signers[0];
    if (signers.length !== 1 || !only?.publicKey || only.certAuthority) problems.push({ file: ALLOWED_SIGNERS_FILE, msg: msg('signature.allowedSignersOne', { count: signers.length }) });
    else if (only.namespaces !== null && !only.namespaces.includes(FILE_NAMESPACE)) problems.push({ file: ALLOWED_SIGNERS_FILE, msg: msg('signature.allowedNamespace') });
    else {
      allowedKey = only.publicKey;
      principals = only.principals;
    }
  }

  if (armored === null) problems.push({ file: SIGNATURE_FILE, msg: msg('signature.sshsigMissing') });
  else {
    try {
      const signed = sshsigVerify(armored, tagManifest, FILE_NAMESPACE);
      if (allowedKey && !equalBytes(signed.publicKey, allowedKey)) problems.push({ file: ALLOWED_SIGNERS_FILE, msg: msg('signature.notAllowed', { fingerprint: signed.fingerprint }) });
      else if (allowedKey) report.signer = { fingerprint: signed.fingerprint, identity: principals || null, openPgpFingerprint: null };
    } catch (e) {
      const code = e instanceof SshsigError ? e.code : 'malformed';
      problems.push({ file: SIGNATURE_FILE, msg: msg(code === 'mismatch' ? 'signature.mismatch' : code === 'namespace' ? 'signature.namespace' : code === 'unsupported' ? 'signature.unsupported' : 'signature.malformed') });
    }
  }

  if (pgpText === null || pgpKeyText === null) problems.push({ file: pgpText === null ? PGP_FILE : PGP_KEY_FILE, msg: msg('signature.pgpMissing') });
  else {
    try {
      const key = readOpenPgpKey(pgpKeyText);
      verifyOpenPgpDetached(pgpText, tagManifest, key);
      if (allowedKey && !equalBytes(key.ed25519, allowedKey)) problems.push({ file: PGP_KEY_FILE, msg: msg('signature.pgpOtherKey', { fingerprint: key.fingerprint }) });
      else {
        if (report.signer) report.signer.openPgpFingerprint = key.fingerprint;
        notes.push(msg('signature.pgpOk', { fingerprint: key.fingerprint.replace(/(.{4})(?=.)/gu, '$1 ') }));
      }
    } catch (e) {
      const code = e instanceof OpenPgpError ? e.code : 'malformed';
      problems.push({ file: PGP_FILE, msg: msg(code === 'mismatch' ? 'signature.pgpMismatch' : code === 'otherKey' ? 'signature.pgpOtherKey' : code === 'unsupported' ? 'signature.pgpUnsupported' : 'signature.pgpMalformed', { fingerprint: '?' }) });
    }
  }
  if (problems.length) return bad();
  report.signed = true;
  const signer = report.signer as NonNullable<VerifyReport['signer']>;
  return line('signature', 'ok', msg('line.signature'), msg('signature.ok', { fingerprint: signer.fingerprint, identity: signer.identity ?? '' }), [], notes);
}

/**
 * The RFC 3161 tokens beside the tag manifest (signatures/tagmanifest-sha256.txt.<n>.tsr): each
 * read (RFC 3161 §2.4.2) and its message imprint compared with the tag manifest; a .tsr.crt
 * without its token is a problem. Returns the line and the tokens' times (ISO 8601 UTC; empty
 * when any problem was found). The TSA's CMS signature and chain are not checked here.
 */
async function checkTimestamps(files: Map<string, BagFile>, tagManifest: Uint8Array | null, readAll: (p: string) => Promise<Uint8Array | null>): Promise<{ line: CheckLine; times: string[] }> {
  // As electron/core/timestamp/bag.ts: tagmanifest-sha256.txt.<n>.tsr, n from 1 without leading zeros, in n's order.
  const tokens = [...files.keys()].filter((p) => TOKEN_FILE.test(p)).sort((a, b) => tokenNumber(a) - tokenNumber(b));
  const problems: Problem[] = [];
  const notes: Msg[] = [];
  // A chain file whose token is gone: a token was removed.
  for (const p of [...files.keys()].filter((x) => CHAIN_FILE.test(x)).sort(byPath)) {
    if (!files.has(p.slice(0, -'.crt'.length))) problems.push({ file: p, msg: msg('timestamps.orphanChain', { token: p.slice(0, -'.crt'.length) }) });
  }
  if (tokens.length === 0) {
    if (problems.length) return { line: line('timestamps', 'fail', msg('line.timestamps'), msg('summary.problems', { count: problems.length }), problems), times: [] };
    return { line: line('timestamps', 'warn', msg('line.timestamps'), msg('timestamps.none')), times: [] };
  }
  const times: string[] = [];
  for (const p of tokens) {
    try {
      const der = await readAll(p);
      if (der === null || tagManifest === null) throw new Error('missing');
      const t = readTimestamp(der, tagManifest);
      if (!t.imprintMatches) problems.push({ file: p, msg: msg('timestamps.imprint') });
      else {
        times.push(t.time);
        notes.push(msg('timestamps.one', { file: p, time: t.time }));
      }
    } catch (e) {
      problems.push({ file: p, msg: msg('timestamps.unreadable', { why: (e as Error).message }) });
    }
  }
  notes.push(msg('timestamps.howTo', { file: tokens[0] ?? '' }));
  return {
    line: line('timestamps', problems.length ? 'fail' : 'info', msg('line.timestamps'),
      problems.length ? msg('summary.problems', { count: problems.length }) : msg('timestamps.present', { count: tokens.length }), problems, notes),
    times: problems.length ? [] : times,
  };
}
