// The desktop's signing-key channels through the service: no archive needed, bad names and short
// passphrases refused by the contract, a wrong passphrase answered as WRONG_PASSPHRASE (the
// passphrase dialog shows it in the user's language), and no private material in any answer.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatch } from '../../electron/core/service/dispatch.ts';
import { createArchiveService, type ArchiveService } from '../../electron/core/service/service.ts';
import { listKeys } from '../../electron/core/signing/keystore.ts';

describe('keys.* channels', () => {
  let dir: string;
  let svc: ArchiveService;
  const call = (c: string, input: unknown) => dispatch(svc.handlers, c, input, { checkOutput: true });

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'evidence-ipc-keys-'));
    svc = createArchiveService({ settingsFile: join(dir, 'settings.json'), appInfo: { version: 't', platform: 'linux', packaged: false }, emit: () => {}, keysDir: join(dir, 'keys') });
  });
  afterAll(async () => {
    await svc.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists, creates and checks keys without an archive; refuses bad input and a wrong passphrase by code', async () => {
    expect(await call('keys.list', {})).toEqual({ ok: true, value: { dir: join(dir, 'keys'), keys: [] } });
    for (const [input, field] of [[{ name: 'a b', passphrase: 'long enough' }, 'name'], [{ name: 'ok', passphrase: 'short' }, 'passphrase'], [{ name: 'ok' }, 'passphrase']] as const) {
      const r = await call('keys.create', input);
      expect(r.ok).toBe(false);
      if (!r.ok) {
        expect(r.error.code).toBe('INVALID_INPUT');
        expect(r.error.message).toContain(field);
        expect(r.error.message).not.toContain('long enough');
      }
    }
    const created = await call('keys.create', { name: 'Айгүл', passphrase: 'тоо-суу 2021' });
    expect(created.ok).toBe(true);
    const info = listKeys(join(dir, 'keys'))[0]!;
    expect(created.ok && created.value).toEqual({ name: 'Айгүл', fingerprint: info.fingerprint, publicKeyLine: info.publicKeyLine, openPgpFingerprint: info.openPgpFingerprint, createdAt: info.createdAt });
    expect(JSON.stringify(created)).not.toMatch(/PRIVATE|тоо-суу/);

    const wrong = await call('keys.check', { name: 'Айгүл', passphrase: 'тоо-суу 2022' });
    expect(wrong).toEqual({ ok: false, error: { code: 'WRONG_PASSPHRASE', message: expect.stringMatching(/passphrase does not unlock the key "Айгүл"/) } });
    expect(await call('keys.check', { name: 'Айгүл', passphrase: 'тоо-суу 2021' })).toEqual(created);
    const unknown = await call('keys.check', { name: 'nobody', passphrase: 'x' });
    expect(!unknown.ok && unknown.error).toEqual({ code: 'FAILED', message: 'no signing key named "nobody" (keys: Айгүл)' });
    const dup = await call('keys.create', { name: 'айгүл', passphrase: 'тоо-суу 2021' });
    expect(!dup.ok && dup.error.message).toMatch(/already exists/);
    expect((await call('keys.list', {})).ok && listKeys(join(dir, 'keys')).length).toBe(1);
  });
});
