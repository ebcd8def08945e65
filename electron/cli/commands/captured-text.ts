// How the CLI's human output prints a capture time (common/captured-at.ts): with its zone when
// known, else the wall-clock time and "(zone unknown)" — never a "Z" the camera did not mean.
import { capturedAtForReaders } from '../../common/captured-at.ts';
import { t } from '../i18n/index.ts';

/** "2021-04-11T15:47:53-05:00", "2019-11-18T15:45:32 (zone unknown)" (in the CLI's language), or "—" for none. */
export function capturedText(value: string | null, hasZone: boolean): string {
  if (value === null) return '—';
  return hasZone ? value : `${capturedAtForReaders(value, false)!} (${t('list:zoneUnknown')})`;
}
