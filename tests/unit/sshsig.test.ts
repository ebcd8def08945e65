// SSH signatures (PROTOCOL.sshsig) against OpenSSH itself: what we sign, `ssh-keygen -Y verify`
// accepts; what `ssh-keygen -Y sign` makes, we verify; fingerprints read as `ssh-keygen -l` prints
// them; and every alteration is refused.
import { spawnSync } from 'node:child_process';
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  allowedSignersLine, ed25519PublicBlob, openSshPublicKey, parseOpenSshPublicKey, parseSshsig, rawEd25519PublicKey, sshFingerprint, sshsigSign, sshsigVerify,
} from '../../electron/core/signing/sshsig.ts';

const HAS_SSH_KEYGEN = spawnSync('ssh-keygen', ['-?'], { encoding: 'utf8' }).error === undefined;
const tmp = mkdtempSync(join(tmpdir(), 'ea-sshsig-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const { privateKey } = generateKeyPairSync('ed25519');
const raw = rawEd25519PublicKey(privateKey);
const message = Buffer.from('0123abcd  manifest-sha256.txt\nКөк-Таш\n');

describe('sshsig primitives', () => {
  it('the public key blob and line follow RFC 8709: string "ssh-ed25519", string key', () => {
    const blob = ed25519PublicBlob(raw);
    expect(blob.readUInt32BE(0)).toBe(11);
    expect(blob.subarray(4, 15).toString()).toBe('ssh-ed25519');
    expect(blob.readUInt32BE(15)).toBe(32);
    expect(blob.subarray(19).equals(raw)).toBe(true);
    expect(openSshPublicKey(raw, 'a\nb')).toBe(`ssh-ed25519 ${blob.toString('base64')} a b`);
    expect(parseOpenSshPublicKey(openSshPublicKey(raw, 'c')).equals(raw)).toBe(true);
    expect(rawEd25519PublicKey(createPublicKey(privateKey)).equals(raw)).toBe(true);
  });

  it('refuses keys of another type and malformed blobs', () => {
    expect(() => parseOpenSshPublicKey('ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQ')).toThrow(/not an ssh-ed25519/);
    const bad = Buffer.concat([ed25519PublicBlob(raw), Buffer.from([0])]).toString('base64');
    expect(() => parseOpenSshPublicKey(`ssh-ed25519 ${bad}`)).toThrow(/malformed/);
    expect(() => ed25519PublicBlob(Buffer.alloc(31))).toThrow(/32 bytes/);
    const { privateKey: rsa } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    expect(() => sshsigSign(message, rsa, 'file')).toThrow(/not an Ed25519 key/);
  });

  it('round-trips, names the signer, and refuses a changed byte, another namespace and a garbled armor', () => {
    const sig = sshsigSign(message, privateKey, 'file');
    expect(sig.startsWith('-----BEGIN SSH SIGNATURE-----\n')).toBe(true);
    expect(sig.split('\n').every((l) => l.length <= 70)).toBe(true);
    const v = sshsigVerify(sig, message, 'file');
    expect(v.fingerprint).toBe(sshFingerprint(raw));
    expect(v.publicKey.equals(raw)).toBe(true);
    expect(parseSshsig(sig).hashAlg).toBe('sha512');
    const changed = Buffer.from(message);
    changed[3] = changed[3]! ^ 1;
    expect(() => sshsigVerify(sig, changed, 'file')).toThrow(/does not match/);
    expect(() => sshsigVerify(sig, message, 'git')).toThrow(/namespace "file", not "git"/);
    expect(() => sshsigSign(message, privateKey, '')).toThrow(/namespace/);
    expect(() => sshsigVerify(sig.replace('SSH SIGNATURE-----\n', 'SSH SIGNATURE-----\nAAAA'), message, 'file')).toThrow();
    expect(() => sshsigVerify('not a signature', message, 'file')).toThrow(/not an armored/);
    // A valid signature with another key swapped into its public-key field: the signature no longer holds.
    const other = rawEd25519PublicKey(generateKeyPairSync('ed25519').privateKey);
    const blob = Buffer.from(sig.replace(/-----[A-Z ]+-----/gu, '').replace(/\s+/gu, ''), 'base64');
    const at = blob.indexOf(raw);
    const forged = Buffer.from(blob);
    other.copy(forged, at);
    const armored = `-----BEGIN SSH SIGNATURE-----\n${forged.toString('base64')}\n-----END SSH SIGNATURE-----\n`;
    expect(() => sshsigVerify(armored, message, 'file')).toThrow(/does not match/);
  });

  it('an allowed_signers line keeps one principal: spaces and quotes replaced', () => {
    expect(allowedSignersLine('A. Usenova "Batken"', raw, ['file'])).toBe(`A._Usenova_Batken_ namespaces="file" ${openSshPublicKey(raw)}\n`);
    expect(allowedSignersLine('  ', raw, ['file', 'git']).startsWith('signer namespaces="file,git" ')).toBe(true);
  });
});

describe.skipIf(!HAS_SSH_KEYGEN)('sshsig against OpenSSH ssh-keygen', () => {
  const run = (args: string[], input?: Buffer) => spawnSync('ssh-keygen', args, { input, encoding: 'utf8' });

  it('the fingerprint is what `ssh-keygen -l` prints', () => {
    const pub = join(tmp, 'k.pub');
    writeFileSync(pub, openSshPublicKey(raw, 'test') + '\n');
    const r = run(['-l', '-E', 'sha256', '-f', pub]);
    expect(r.status).toBe(0);
    expect(r.stdout.split(' ')[1]).toBe(sshFingerprint(raw));
  });

  it('`ssh-keygen -Y verify` accepts our signature and refuses it after one byte of the message changes', () => {
    const sigFile = join(tmp, 'm.sig');
    const allowed = join(tmp, 'allowed_signers');
    writeFileSync(sigFile, sshsigSign(message, privateKey, 'file'));
    writeFileSync(allowed, allowedSignersLine('signer@example', raw, ['file']));
    const ok = run(['-Y', 'verify', '-f', allowed, '-I', 'signer@example', '-n', 'file', '-s', sigFile], message);
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stdout).toContain(`Good "file" signature for signer@example with ED25519 key ${sshFingerprint(raw)}`);
    const changed = Buffer.from(message);
    changed[0] = changed[0]! ^ 1;
    expect(run(['-Y', 'verify', '-f', allowed, '-I', 'signer@example', '-n', 'file', '-s', sigFile], changed).status).not.toBe(0);
    expect(run(['-Y', 'verify', '-f', allowed, '-I', 'signer@example', '-n', 'git', '-s', sigFile], message).status).not.toBe(0);
  });

  it('we verify what `ssh-keygen -Y sign` makes, and read its key from the signature', () => {
    const key = join(tmp, 'id_ed25519');
    expect(run(['-q', '-t', 'ed25519', '-N', '', '-C', 'x', '-f', key]).status).toBe(0);
    const data = join(tmp, 'data.txt');
    writeFileSync(data, message);
    const s = run(['-Y', 'sign', '-f', key, '-n', 'file', data]);
    expect(s.status, s.stderr).toBe(0);
    const sig = readFileSync(`${data}.sig`, 'utf8');
    const theirs = parseOpenSshPublicKey(readFileSync(`${key}.pub`, 'utf8'));
    const v = sshsigVerify(sig, message, 'file');
    expect(v.publicKey.equals(theirs)).toBe(true);
    expect(() => sshsigVerify(sig, Buffer.concat([message, Buffer.from('x')]), 'file')).toThrow(/does not match/);
  });
});
