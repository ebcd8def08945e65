// Signing an evidence set (issue 12: "under a second, whatever its size"): signBag beside the
// bench's big file, against `ssh-keygen -Y sign` of the same tag manifest, the standard tool.
import { spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { linkSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { signBag } from '../electron/core/signing/bag-signature.ts';
import { createKey, unlockKey } from '../electron/core/signing/keystore.ts';

/** Seconds to sign a bag holding `bigFile` (hard-linked, not copied) with our signBag and with ssh-keygen; best of `rounds`. */
export async function benchSigning(root: string, bigFile: string, rounds: number): Promise<{ ours: number; theirs: number }> {
  const dir = mkdtempSync(join(root, 'signing-'));
  try {
    const bag = join(dir, 'bag');
    mkdirSync(join(bag, 'data'), { recursive: true });
    linkSync(bigFile, join(bag, 'data', 'big.bin'));
    writeFileSync(join(bag, 'tagmanifest-sha256.txt'), `${'0'.repeat(64)}  manifest-sha256.txt\n${'1'.repeat(64)}  bag-info.txt\n`);
    const info = await createKey({ name: 'bench', passphrase: 'bench passphrase', dir: join(dir, 'keys') });
    const key = await unlockKey(info, 'bench passphrase');
    const { privateKey } = generateKeyPairSync('ed25519');
    const pem = join(dir, 'id_ed25519');
    writeFileSync(pem, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    // ssh-keygen reads OpenSSH keys; convert the PKCS#8 one in place (no passphrase).
    spawnSync('ssh-keygen', ['-p', '-N', '', '-f', pem], { stdio: 'ignore' });
    let ours = Infinity;
    let theirs = Infinity;
    for (let i = 0; i < rounds; i++) {
      let t = performance.now();
      await signBag(bag, key, 'bench');
      ours = Math.min(ours, (performance.now() - t) / 1000);
      t = performance.now();
      spawnSync('ssh-keygen', ['-Y', 'sign', '-f', pem, '-n', 'file', join(bag, 'tagmanifest-sha256.txt')], { stdio: 'ignore' });
      theirs = Math.min(theirs, (performance.now() - t) / 1000);
      rmSync(join(bag, 'tagmanifest-sha256.txt.sig'), { force: true });
    }
    return { ours, theirs };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
