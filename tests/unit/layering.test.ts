// The layering of DESIGN.md §1 is a rule of the code, so it is checked like behaviour: ESLint's
// import/no-restricted-paths zones (eslint.config.js) must report nothing.
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/corpus.ts';

describe('layering and lint', () => {
  it('eslint reports no errors anywhere in the repository', async () => {
    const eslint = new ESLint({ cwd: REPO_ROOT });
    const results = await eslint.lintFiles(['.']);
    const errors = results.flatMap((r) => r.messages.filter((m) => m.severity === 2).map((m) => `${r.filePath.slice(REPO_ROOT.length + 1)}:${m.line} ${m.ruleId}: ${m.message}`));
    expect(errors).toEqual([]);
  }, 180_000);

  it('the layering rule fires: core importing the CLI is an error', async () => {
    const eslint = new ESLint({ cwd: REPO_ROOT });
    const [r] = await eslint.lintText("import { EXIT } from '../cli/io.ts';\nexport const x = EXIT;\n", { filePath: `${REPO_ROOT}/electron/core/probe.ts` });
    expect(r!.messages.map((m) => m.ruleId)).toContain('import/no-restricted-paths');
  });
});
