import { useTranslation } from 'react-i18next';
import { call } from '../bridge.ts';
import { useApp } from '../state.tsx';

/** A folder path typed or chosen in the system's folder dialog. */
export function PathField({ label, value, onChange, purpose, testId }: {
  label: string;
  value: string;
  onChange(v: string): void;
  purpose: 'archive' | 'import' | 'exportDest' | 'bag';
  testId: string;
}) {
  const { t } = useTranslation();
  const { report } = useApp();
  const pick = async () => {
    try {
      const r = await call('dialog.pickFolder', { purpose });
      if (r.paths[0]) onChange(r.paths[0]);
    } catch (e) {
      report(e);
    }
  };
  return (
    <label className="field path-field">
      <span>{label}</span>
      <span className="row">
        <input type="text" value={value} onChange={(e) => onChange(e.target.value)} data-testid={testId} spellCheck={false} />
        <button type="button" onClick={() => void pick()} data-testid={`${testId}-pick`}>{t('common.choose')}</button>
      </span>
    </label>
  );
}
