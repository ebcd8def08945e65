// How an item's redacted copies read in `evidence show` and `--json` output: apart from the redact
// command so that `show` does not load the redaction pipeline (sharp, ffmpeg, the face module).
import { publicSettings, type Derivative } from '../../core/redact/store.ts';
import { t } from '../i18n/index.ts';
import { formatBytes } from './shared.ts';
import { printable } from './text.ts';

/** A derivative as `--json` and `show --json` print it: the settings as a public manifest may show them. */
export function derivativeJson(d: Derivative): Record<string, unknown> {
  return { sha256: d.sha256, bytes: d.bytes, mime: d.mime, kind: d.kind, createdAt: d.createdAt, actor: d.actor, settings: d.settings, detectionLog: d.logSha256, removed: d.removed };
}

/** The settings of `d` in a few words for a terminal line: "strip, blur faces (pixelate, 2 regions), date month". */
function settingsWords(d: Derivative): string {
  const s = publicSettings(d.settings);
  const parts = ['strip metadata'];
  if (s.blurFaces) parts.push(`blur faces (${String(s.mode ?? 'blur')}${s.regions ? `, ${String(s.regions)} drawn regions` : ''})`);
  else if (s.regions) parts.push(`blur ${String(s.regions)} drawn regions (${String(s.mode ?? 'blur')})`);
  parts.push(`date ${String(s.date ?? 'keep')}`);
  if (typeof s.conversion === 'string') parts.push(s.conversion.startsWith('WebP') ? 'WebP→JPEG' : 'HEIC→JPEG');
  return parts.join(', ');
}

/** The lines `evidence show` prints for an item's redacted copies (a header, one line each, or "—"). */
export function derivativeLines(ds: Derivative[]): string[] {
  if (!ds.length) return [t('redact:showHeader'), t('redact:showNone')];
  return [t('redact:showHeader'), ...ds.map((d) => t('redact:showLine', { createdAt: d.createdAt, sha256: d.sha256, mime: d.mime, size: formatBytes(d.bytes), actor: printable(d.actor), settings: settingsWords(d) }))];
}

