// Reading and validating a file's C2PA manifest store (issue 14 §3) with @trustnxt/c2pa-ts, a pure
// TypeScript implementation of C2PA 2.1: no binary, no network. Runs in the ingest workers (see
// ingest/task.ts storeObject) on the bytes already in memory, so a file is not read twice; a large
// file is first probed where C2PA puts its store (JPEG APP11, PNG caBX, BMFF top-level uuid box,
// MP3 ID3 tag) and read whole only when a store is there. Never throws: a store that cannot be
// read comes back with its error. Trust (which anchors the signer chains to) is decided later, on
// the catalog's thread, by trust.ts: the library's own "signingCredential.trusted" only means the
// certificate has the C2PA profile (key usage, validity), not that anyone trusts it.
import { readFile, stat } from 'node:fs/promises';
import { JPEG, MP3, PNG, BMFF, type Asset } from '@trustnxt/c2pa-ts/asset';
import { SuperBox } from '@trustnxt/c2pa-ts/jumbf';
import { ManifestStore, ValidationResult, type Manifest } from '@trustnxt/c2pa-ts/manifest';
import type { CredentialAction, CredentialIngredient, CredentialManifestFacts, CredentialStatus } from '../../common/c2pa.ts';
import { inputPath, withByteSource, WHOLE_READ_MAX_BYTES, type ByteSource, type FileInput } from '../metadata/io.ts';

/** The validating library and its version, named in every report (tests/unit/c2pa-read.test.ts checks it against the installed package). */
export const C2PA_LIBRARY = { name: '@trustnxt/c2pa-ts', version: '0.9.4' } as const;

/** Files larger than this are not validated (the library needs the whole asset in memory). */
export const C2PA_MAX_VALIDATE_BYTES = 2 * 1024 * 1024 * 1024;

/**
 * Facts of the active manifest, as read (before any trust decision): the report's manifest facts
 * (common/c2pa.ts CredentialManifestFacts) plus the signature's algorithm, which the report
 * carries inside `signer`.
 */
export interface ManifestFacts extends CredentialManifestFacts {
  /** COSE algorithm name (ES256, PS256, ...). */
  algorithm: string | null;
}

/** What scanC2pa found: plain data, so it crosses from a worker thread by structured clone. */
export interface C2paScan {
  /** jpeg | png | bmff | mp3 when a store was found; null otherwise. */
  container: string | null;
  /** The manifest store (JUMBF) exactly as it lies in the file, copied out; null when absent. */
  store: Uint8Array | null;
  /** Why a present store could not be read or validated, in words; null otherwise. */
  error: string | null;
  /** The library's status entries, in its order (the trust entry is replaced by trust.ts). */
  statuses: CredentialStatus[];
  facts: ManifestFacts | null;
  /** DER certificates of the signature's x5chain, signer first. */
  chain: Uint8Array[];
}

const ABSENT: C2paScan = { container: null, store: null, error: null, statuses: [], facts: null, chain: [] };

const COSE_ALGORITHMS: Record<number, string> = { [-7]: 'ES256', [-35]: 'ES384', [-36]: 'ES512', [-37]: 'PS256', [-38]: 'PS384', [-39]: 'PS512', [-8]: 'EdDSA' };

/**
 * Reads and validates the C2PA manifest store of `input` (a path, or a file already in memory):
 * the active manifest's claim signature (COSE_Sign1, its RFC 3161 time-stamp), every assertion's
 * hashed URI, the hard binding (data hash or BMFF hash) over the file's bytes, and ingredients,
 * as @trustnxt/c2pa-ts validates them. Never throws: an unreadable file or store comes back with
 * `error` set (and `store` when its bytes were found).
 */
export async function scanC2pa(input: FileInput): Promise<C2paScan> {
  try {
    if (typeof input !== 'string') return await scanBytes(input.bytes);
    const size = (await stat(input)).size;
    if (size <= WHOLE_READ_MAX_BYTES) return await scanBytes(await readFile(input));
    // A large file (a video, mostly) is read whole only when its store is where C2PA puts it.
    const where = await withByteSource(input, probeStore);
    if (!where) return ABSENT;
    if (size > C2PA_MAX_VALIDATE_BYTES) {
      return { ...ABSENT, container: where, error: `${inputPath(input)}: a C2PA manifest store is present, but the file (${size} bytes) is too large to validate in memory` };
    }
    return await scanBytes(await readFile(input));
  } catch (e) {
    return { ...ABSENT, error: `${inputPath(input)}: C2PA manifest store not read: ${(e as Error).message}` };
  }
}

function assetOf(bytes: Uint8Array): { asset: Asset; container: string } | null {
  const kinds: [string, { canRead(b: Uint8Array): boolean }, new (b: Uint8Array) => Asset][] = [
    ['jpeg', JPEG, JPEG], ['png', PNG, PNG], ['bmff', BMFF, BMFF], ['mp3', MP3, MP3],
  ];
  for (const [container, test, make] of kinds) {
    let can = false;
    try {
      can = test.canRead(bytes);
    } catch {
      can = false;
    }
    if (can) return { asset: new make(bytes), container };
  }
  return null;
}

async function scanBytes(bytes: Uint8Array): Promise<C2paScan> {
  let found: { asset: Asset; container: string } | null;
  let jumbf: Uint8Array | undefined;
  try {
    found = assetOf(bytes);
    jumbf = found?.asset.getManifestJUMBF();
  } catch (e) {
    // A file the library cannot parse as its container (a truncated JPEG, say): a store is taken
    // to be there only when its JUMBF label is, and then it is reported unreadable.
    if (!Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).includes('c2pa')) return ABSENT;
    return { ...ABSENT, container: 'unknown', error: `C2PA manifest store not readable: ${(e as Error).message}` };
  }
  if (!found || !jumbf) return ABSENT;
  // A copy: `bytes` may be a view of a reused read buffer, and structured clone would copy all of it.
  const store = Uint8Array.from(jumbf);
  let manifests: ManifestStore | null = null;
  let result: ValidationResult;
  let error: string | null = null;
  try {
    manifests = ManifestStore.read(SuperBox.fromBuffer(store));
    result = await manifests.validate(found.asset);
  } catch (e) {
    error = (e as Error).message || String(e);
    result = ValidationResult.fromError(e as Error);
  }
  const active = manifests?.getActiveManifest();
  const statuses: CredentialStatus[] = result.statusEntries.map((s) => ({
    code: String(s.code), success: s.success !== false, ...(s.url ? { url: String(s.url) } : {}), ...(s.explanation ? { explanation: String(s.explanation) } : {}),
  }));
  const chain = active?.signature?.signatureData
    ? [active.signature.signatureData.certificate, ...active.signature.signatureData.chainCertificates].filter((c) => c !== undefined).map((c) => Uint8Array.from(new Uint8Array(c.rawData)))
    : [];
  return { container: found.container, store, error, statuses, facts: active ? manifestFacts(active, manifests!) : null, chain };
}

const text = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

function manifestFacts(m: Manifest, store: ManifestStore): ManifestFacts {
  const claim = m.claim;
  const sig = m.signature?.signatureData;
  // A v1 claim's `claim_generator` verbatim, as c2patool prints it: the library reads
  // claim_generator_info in its place when both are there, so it is taken from the claim's CBOR.
  const rawClaim = (claim?.sourceBox?.contentBoxes[0] as { content?: Record<string, unknown> } | undefined)?.content;
  const generator = typeof rawClaim?.claim_generator === 'string' ? rawClaim.claim_generator
    : claim?.claimGeneratorName ? `${claim.claimGeneratorName}${claim.claimGeneratorVersion ? `/${claim.claimGeneratorVersion}` : ''}` : null;
  const ingredients: CredentialIngredient[] = [];
  const actions: CredentialAction[] = [];
  for (const a of m.assertions?.assertions ?? []) {
    const label = a.label ?? '';
    const x = a as unknown as Record<string, unknown>;
    if (label.startsWith('c2pa.ingredient')) {
      const codes = [x.validationStatus, x.validationResults].flatMap((v) => statusCodesIn(v));
      ingredients.push({
        title: text(x.title), format: text(x.format), relationship: text(x.relationship), instanceId: text(x.instanceID), documentId: text(x.documentID),
        hasManifest: Boolean(x.activeManifest ?? x.c2pa_manifest), validationCodes: [...new Set(codes)],
      });
    } else if (label.startsWith('c2pa.actions') && Array.isArray(x.actions)) {
      for (const act of x.actions as Record<string, unknown>[]) {
        const params = (act.parameters ?? {}) as Record<string, unknown>;
        const agent = act.softwareAgent as { name?: unknown; version?: unknown } | string | undefined;
        actions.push({
          action: String(act.action ?? '?'),
          when: text(act.when) ?? text(params.when),
          softwareAgent: typeof agent === 'string' ? agent : agent && text(agent.name) ? `${String(agent.name)}${text(agent.version) ? `/${String(agent.version)}` : ''}` : null,
          description: text(act.description) ?? text(params.description),
          digitalSourceType: text(act.digitalSourceType),
          name: text(params.name),
        });
      }
    }
  }
  // Only a time-stamp that validated gives the signing time (c2patool reports none otherwise); the
  // public `timestamp` getter falls back to an unverified one, so the (private) field is read.
  const validated = (sig as unknown as { validatedTimestamp?: Date } | undefined)?.validatedTimestamp;
  return {
    activeManifest: m.label ?? null,
    manifests: store.manifests.length,
    claimGenerator: generator,
    title: text(claim?.title),
    format: text(claim?.format),
    instanceId: text(claim?.instanceID),
    algorithm: sig?.algorithm ? COSE_ALGORITHMS[sig.algorithm.coseIdentifier] ?? String(sig.algorithm.coseIdentifier) : null,
    signedAt: validated instanceof Date && Number.isFinite(validated.getTime()) ? validated.toISOString() : null,
    ingredients,
    actions,
  };
}

/** Failure codes found in an ingredient's validationStatus (v2: array) or validationResults (v3: {activeManifest: {failure: [...]}, ...}). */
function statusCodesIn(v: unknown): string[] {
  if (Array.isArray(v)) return v.flatMap((e) => (e && typeof e === 'object' && typeof (e as { code?: unknown }).code === 'string' && (e as { success?: unknown }).success !== true ? [(e as { code: string }).code] : []));
  if (v && typeof v === 'object') {
    const out: string[] = [];
    const walk = (o: unknown): void => {
      if (!o || typeof o !== 'object') return;
      for (const [k, val] of Object.entries(o)) {
        if (k === 'failure') out.push(...statusCodesIn(Array.isArray(val) ? val.map((e) => ({ ...(e as object), success: false })) : []));
        else if (k !== 'success' && k !== 'informational') walk(val);
      }
    };
    walk(v);
    return out;
  }
  return [];
}

const C2PA_UUID = Buffer.from('d8fec3d61b0e483c92975828877ec481', 'hex');

/**
 * Where a C2PA store lies in a large file, reading only headers: "jpeg" (an APP11 segment before
 * the scan data), "png" (a caBX chunk), "bmff" (a top-level uuid box with the C2PA UUID), "mp3"
 * (an ID3v2 tag, searched for a c2pa label); null when there is none or the format is not one of
 * these. Throws I/O errors only.
 */
export async function probeStore(src: ByteSource): Promise<string | null> {
  const head = await src.read(0, 16);
  if (head.length >= 4 && head[0] === 0xff && head[1] === 0xd8) return (await probeJpeg(src)) ? 'jpeg' : null;
  if (head.length >= 8 && head.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return (await probePng(src)) ? 'png' : null;
  if (head.length >= 8 && head.toString('latin1', 4, 8) === 'ftyp') return (await probeBmff(src)) ? 'bmff' : null;
  if (head.length >= 10 && head.toString('latin1', 0, 3) === 'ID3') {
    const size = ((head[6]! & 0x7f) << 21) | ((head[7]! & 0x7f) << 14) | ((head[8]! & 0x7f) << 7) | (head[9]! & 0x7f);
    return (await src.read(10, size)).includes('c2pa') ? 'mp3' : null;
  }
  return null;
}

async function probeJpeg(src: ByteSource): Promise<boolean> {
  let pos = 2;
  while (pos + 4 <= src.size) {
    const h = await src.read(pos, 4);
    if (h.length < 4 || h[0] !== 0xff) return false;
    const marker = h[1]!;
    if (marker === 0xd9 || marker === 0xda) return false; // end of image, start of scan: no more metadata segments
    if (marker >= 0xd0 && marker <= 0xd7) {
      pos += 2;
      continue;
    }
    if (marker === 0xeb) return true;
    pos += 2 + h.readUInt16BE(2);
  }
  return false;
}

async function probePng(src: ByteSource): Promise<boolean> {
  let pos = 8;
  while (pos + 8 <= src.size) {
    const h = await src.read(pos, 8);
    if (h.length < 8) return false;
    const type = h.toString('latin1', 4, 8);
    if (type === 'caBX') return true;
    if (type === 'IEND') return false;
    pos += 12 + h.readUInt32BE(0);
  }
  return false;
}

async function probeBmff(src: ByteSource): Promise<boolean> {
  let pos = 0;
  while (pos + 8 <= src.size) {
    const h = await src.read(pos, 32);
    if (h.length < 8) return false;
    let size = h.readUInt32BE(0);
    const type = h.toString('latin1', 4, 8);
    let header = 8;
    if (size === 1) {
      if (h.length < 16) return false;
      size = Number(h.readBigUInt64BE(8));
      header = 16;
    } else if (size === 0) size = src.size - pos;
    if (type === 'uuid' && h.length >= header + 16 && h.subarray(header, header + 16).equals(C2PA_UUID)) return true;
    if (size < header) return false;
    pos += size;
  }
  return false;
}
