// The sentence the desktop's custody timeline shows for each event (common/custody-words.ts):
// the same choice the custody report (and `evidence log`) makes, as a key and values.
import { describe, expect, it } from 'vitest';
import { custodySummary, isFailedEvent } from '../../electron/common/custody-words.ts';
import { dict } from '../../electron/core/report/i18n.ts';

const SHA = 'ab'.repeat(32);
const ev = (type: string, detail: Record<string, unknown>, item: string | null = SHA) => ({ seq: 1, at: '2026-03-01T08:09:10.123Z', actor: 'x', type, item, detail });

describe('custodySummary', () => {
  // Each case with the report's key (ev_<key>), so desktop and report cannot drift apart unnoticed.
  const cases: [string, Record<string, unknown>, string, Record<string, string>][] = [
    ['ingestion', { outcome: 'success', sourcePath: '/card/a.jpg', fileName: 'a.jpg', bytes: 10, host: 'pc' }, 'ingestion', { source: '/card/a.jpg', name: 'a.jpg', host: 'pc' }],
    ['ingestion', { outcome: 'duplicate: content already held', sourcePath: '/card2/a.jpg', fileName: 'a.jpg' }, 'ingestionDuplicate', { source: '/card2/a.jpg' }],
    ['ingestion', { outcome: 'success', fileName: 'a.jpg', bytes: 10 }, 'ingestionNoSource', { name: 'a.jpg' }],
    ['message digest calculation', { outcome: 'success', digests: { sha256: 'x', md5: 'y' } }, 'digest', { algs: 'SHA-256, MD5' }],
    ['replication', { outcome: 'success', replacedDamagedObject: true }, 'replicationReplaced', {}],
    ['metadata extraction', { outcome: 'failure', error: 'exiftool died' }, 'metadataFailed', { error: 'exiftool died' }],
    ['metadata extraction', { outcome: 'success', tool: ['exiftool', 'ffprobe'] }, 'metadata', { tools: 'exiftool, ffprobe' }],
    ['metadata modification', { outcome: 'success', action: 'person added' }, 'modification', { action: 'person added' }],
    ['fixity check', { outcome: 'pass', algorithms: ['sha256'] }, 'fixityPass', { algs: 'SHA-256' }],
    ['fixity check', { outcome: 'fail', reason: 'item 1 (objects/x): object missing from the store' }, 'fixityFail', { reason: 'item 1 (objects/x): object missing from the store' }],
    ['dissemination', { outcome: 'success', exportId: 'E1', path: 'data/a.jpg', recipient: 'Ombudsman' }, 'disseminationTo', { exportId: 'E1', path: 'data/a.jpg', recipient: 'Ombudsman' }],
    ['transfer', { outcome: 'success', exportId: 'E1', recipient: 'Court', bagVerified: true }, 'transferVerified', { exportId: 'E1', recipient: 'Court' }],
    ['digital signature generation', { outcome: 'success', action: 'seal', seal: { seq: 12 } }, 'seal', { seq: '12' }],
    ['validation', { outcome: 'invalid', action: 'c2pa validation', verdict: 'invalid', codes: ['claimSignature.mismatch'], signer: 'Truepic' }, 'validation', { verdict: 'invalid', signer: 'Truepic', codes: 'claimSignature.mismatch' }],
    ['repair', { outcome: 'success' }, 'other', { type: 'repair', outcome: 'success' }],
  ];
  it.each(cases)('%s %j → %s', (type, detail, key, vars) => {
    const s = custodySummary(ev(type, detail));
    expect(s.key).toBe(key);
    expect(s.vars).toMatchObject(vars);
    // The custody report has a sentence of the same name (ev_<key>) in every language.
    for (const lang of ['en', 'ru', 'ky'] as const) expect((dict(lang) as Record<string, string>)[`ev_${key}`], `${lang} ev_${key}`).toBeTruthy();
  });

  it('names the fields a tagging changed, and an archive-wide run by its counts', () => {
    const tagging = custodySummary(ev('metadata modification', { outcome: 'success', action: 'tagging', before: { people: [], tags: [] }, after: { people: [{ id: 1, role: 'victim' }], tags: [] } }));
    expect(tagging).toEqual({ key: 'tagging', vars: {}, fields: ['people'] });
    expect(custodySummary(ev('fixity check', { outcome: 'fail', scope: 'archive', itemsChecked: 315, problems: 2 }, null))).toEqual({ key: 'fixityRun', vars: { items: '315', problems: '2' } });
    expect(custodySummary(ev('ingestion', { outcome: 'success', sourcePath: '/c/a', fileName: 'a', bytes: 2048, host: 'h' })).bytes).toBe(2048);
  });

  it('calls a failure a failure, whatever the event', () => {
    expect(isFailedEvent(ev('fixity check', { outcome: 'fail' }))).toBe(true);
    expect(isFailedEvent(ev('dissemination', { outcome: 'failure', stage: 'abandoned' }))).toBe(true);
    expect(isFailedEvent(ev('fixity check', { outcome: 'pass' }))).toBe(false);
    expect(isFailedEvent(ev('ingestion', {}))).toBe(false);
  });
});
