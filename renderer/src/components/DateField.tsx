// A date entered in the order the chosen language writes it (dd.mm.yyyy in Russian and Kyrgyz),
// as three small number fields. Chromium's <input type=date> follows the browser's locale, not
// the language the user chose in the app, so a Russian user on an English system saw mm/dd/yyyy.
import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { dateFieldOrder, datePartsToIso, dateSeparator, isoToDateParts, type DatePart, type DateParts } from '../format.ts';

const MAX: Record<DatePart, number> = { day: 31, month: 12, year: 9999 };
const WIDTH: Record<DatePart, number> = { day: 2, month: 2, year: 4 };

/** Splits a stored value into its date and its time ("2021-04-29T14:02+06:00" → date, "14:02+06:00"). */
function splitDateTime(value: string): { date: string; time: string } {
  const i = value.indexOf('T');
  return i < 0 ? { date: value, time: '' } : { date: value.slice(0, i), time: value.slice(i + 1) };
}

export interface DateFieldProps {
  /** The visible label of the whole field. */
  label: string;
  /** ISO 8601: "YYYY-MM-DD" (or "YYYY-MM"/"YYYY" with `partial`; with `withTime`, "…THH:MM[:SS][offset]"), or ''. */
  value: string;
  /**
   * Called with the ISO value whenever the parts make a valid one ('' when emptied), and with
   * null while they are incomplete or impossible (30.02), which the field marks aria-invalid.
   */
  onChange(iso: string | null): void;
  /** Accept a year alone or a month and year (catalog birth dates). */
  partial?: boolean;
  /** Show a time field after the date (incidents' start and end), kept as typed: "14:02", "14:02:10+06:00". */
  withTime?: boolean;
  /** Test id prefix: parts get `<testId>-day`, `-month`, `-year`, `-time`. */
  testId?: string;
  /** Class of the outer element (the filter bar lays fields out in a row). */
  className?: string;
}

/**
 * A date field of three numeric parts in the order of the app's language, with its label for
 * screen readers (a group named by the label, each part named Day/Month/Year). Arrow Up/Down
 * step a part; typing a part's full width or a separator moves to the next part.
 */
export function DateField({ label, value, onChange, partial = false, withTime = false, testId, className }: DateFieldProps) {
  const { t, i18n } = useTranslation();
  const lng = i18n.language;
  const order = dateFieldOrder(lng);
  const sep = dateSeparator(lng);
  const labelId = useId();
  const split = splitDateTime(value);
  const [parts, setParts] = useState<DateParts>(() => isoToDateParts(split.date));
  const [time, setTime] = useState(split.time);
  const refs = useRef<Partial<Record<DatePart, HTMLInputElement | null>>>({});
  const lastEmitted = useRef<string | null>(value);

  // A value set from outside (filters cleared, another item opened) replaces what is shown.
  const shownValue = useRef(value);
  useEffect(() => {
    if (value === shownValue.current) return;
    shownValue.current = value;
    if (value === lastEmitted.current) return;
    lastEmitted.current = value;
    const s = splitDateTime(value);
    setParts(isoToDateParts(s.date));
    setTime(s.time);
  }, [value]);

  const parsed = datePartsToIso(parts, partial);
  const invalid = !parsed.ok || (withTime && time.trim() !== '' && parsed.ok && parsed.iso === '');

  const emit = (p: DateParts, tm: string) => {
    const r = datePartsToIso(p, partial);
    if (!r.ok) {
      if (lastEmitted.current !== null) onChange(null);
      lastEmitted.current = null;
      return;
    }
    const iso = withTime && tm.trim() && r.iso ? `${r.iso}T${tm.trim()}` : r.iso;
    if (iso === lastEmitted.current) return;
    lastEmitted.current = iso;
    onChange(iso);
  };

  const focusNext = (part: DatePart) => {
    const i = order.indexOf(part);
    const next = order[i + 1];
    if (next) refs.current[next]?.focus();
  };

  const setPart = (part: DatePart, text: string, advance: boolean) => {
    const digits = text.replace(/\D/gu, '').slice(0, WIDTH[part]);
    const next = { ...parts, [part]: digits };
    setParts(next);
    emit(next, time);
    if (advance && digits.length === WIDTH[part]) focusNext(part);
  };

  const onKey = (part: DatePart, e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'ArrowUp' || e.key === 'ArrowDown') {
      e.preventDefault();
      const cur = Number(parts[part]) || (part === 'year' ? new Date().getFullYear() : 0);
      const step = e.key === 'ArrowUp' ? 1 : -1;
      const min = part === 'year' ? 1 : 1;
      let v = cur + step;
      if (v > MAX[part]) v = min;
      if (v < min) v = MAX[part];
      setPart(part, String(v).padStart(part === 'year' ? 4 : 2, '0'), false);
    } else if (['.', '/', '-', ' '].includes(e.key)) {
      e.preventDefault();
      if (parts[part]) focusNext(part);
    } else if (e.key === 'Backspace' && !parts[part]) {
      const i = order.indexOf(part);
      const prev = order[i - 1];
      if (prev) {
        e.preventDefault();
        refs.current[prev]?.focus();
      }
    }
  };

  return (
    <div className={`date-field${className ? ` ${className}` : ''}`} role="group" aria-labelledby={labelId} data-testid={testId}>
      <span id={labelId} className="date-field-label">{label}</span>
      <span className={`date-field-parts${invalid ? ' invalid' : ''}`}>
        {order.map((part, i) => (
          <span key={part} className="date-part">
            {i > 0 && <span className="date-sep" aria-hidden="true">{sep}</span>}
            <input
              ref={(el) => { refs.current[part] = el; }}
              type="text" inputMode="numeric" autoComplete="off"
              className={`date-${part}`} size={WIDTH[part]} maxLength={WIDTH[part]}
              value={parts[part]} placeholder={t(`date.placeholder.${part}`)}
              aria-label={`${label}: ${t(`date.${part}`)}`} aria-invalid={invalid || undefined}
              onChange={(e) => setPart(part, e.target.value, true)} onKeyDown={(e) => onKey(part, e)}
              data-testid={testId ? `${testId}-${part}` : undefined}
            />
          </span>
        ))}
        {withTime && (
          <input type="text" className="date-time" size={6} value={time} placeholder={t('date.placeholder.time')}
            aria-label={`${label}: ${t('date.time')}`}
            onChange={(e) => { setTime(e.target.value); emit(parts, e.target.value); }}
            data-testid={testId ? `${testId}-time` : undefined} />
        )}
      </span>
    </div>
  );
}
