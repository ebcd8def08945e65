// TypeScript strict mode is part of the contract: the CLI runs the sources through tsx, which
// strips types without checking them, so only this test stops a type error from landing.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/corpus.ts';

describe('types', () => {
  it('tsc --noEmit reports no errors', () => {
    const r = spawnSync(process.execPath, [join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '--noEmit', '-p', REPO_ROOT], { encoding: 'utf8' });
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  }, 180_000);
});
