import { useTranslation } from 'react-i18next';
import { useApp } from '../state.tsx';

/** The last error a call answered, in words, with the technical reason beneath. */
export function ErrorBanner() {
  const { t } = useTranslation();
  const { error, clearError } = useApp();
  if (!error) return null;
  return (
    <div className="error-banner" role="alert" data-testid="error">
      <strong>{t(`errors.${error.code}`, { defaultValue: t('errors.INTERNAL') })}</strong>
      <span className="reason">{error.message}</span>
      <button type="button" onClick={clearError}>{t('common.dismiss')}</button>
    </div>
  );
}
