// Turns a hub refusal into a sentence in the staff member's language: `ce.error.<code>` when
// the catalogue has one, the role and connection messages, else the generic "try again".
import { useI18n } from '../../i18n';
import type { CentralApiError } from '../api';

export function useErrorText() {
  const { t } = useI18n();
  return (error: CentralApiError | null | undefined): string => {
    if (!error) return '';
    if (error.code === 'forbidden') return t('ce.forbidden');
    if (error.code === 'offline') return t('ce.offline');
    const key = `ce.error.${error.code}`;
    const text = t(key);
    return text === key ? t('ce.error') : text;
  };
}
