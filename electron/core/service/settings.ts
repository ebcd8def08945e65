// The app's own settings (operator name, language, recent archives, TSAs, signing key) in one small JSON file in
// the user's profile folder, apart from any archive: they belong to the person, not the evidence.
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { SettingsSchema, type Settings } from '../../common/ipc.ts';
import { makeDirs } from '../dirs.ts';

const DEFAULTS: Settings = { operator: '', language: null, recent: [], tsaUrls: [], signingKey: null, gpsMismatchKm: 25 };

/** Reads settings from `file`; defaults when it is absent or unreadable (never throws). */
export function loadSettings(file: string): Settings {
  try {
    const r = SettingsSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    return r.success ? r.data : { ...DEFAULTS };
  } catch {
    return { ...DEFAULTS };
  }
}

/** Writes settings to `file` atomically (temporary file, then rename). Throws fs errors. */
export function saveSettings(file: string, s: Settings): void {
  makeDirs(dirname(file));
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, JSON.stringify(s, null, 2) + '\n');
  renameSync(tmp, file);
}

/** `recent` with `dir` moved to the front, at most 10 entries. */
export function withRecent(recent: readonly string[], dir: string): string[] {
  return [dir, ...recent.filter((d) => d !== dir)].slice(0, 10);
}
