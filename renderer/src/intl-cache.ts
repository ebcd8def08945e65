// Intl formatters made once per language and options. Making an Intl.DateTimeFormat costs tens
// of microseconds (it loads the locale's patterns); a Library page draws a hundred tiles, each with
// a date, a duration and a size, on every render: measured, making them anew took a fifth of the
// renderer's script time when a filter changed (bench/library-ui.ts).

const dates = new Map<string, Intl.DateTimeFormat>();
const numbers = new Map<string, Intl.NumberFormat>();

/** `new Intl.DateTimeFormat(lng, opts)`, the same object for the same language and options. */
export function dateTimeFormat(lng: string, opts: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${lng}\u0000${JSON.stringify(opts)}`;
  let f = dates.get(key);
  if (!f) dates.set(key, (f = new Intl.DateTimeFormat(lng, opts)));
  return f;
}

/** `new Intl.NumberFormat(lng, opts)`, the same object for the same language and options. */
export function numberFormat(lng: string, opts: Intl.NumberFormatOptions = {}): Intl.NumberFormat {
  const key = `${lng}\u0000${JSON.stringify(opts)}`;
  let f = numbers.get(key);
  if (!f) numbers.set(key, (f = new Intl.NumberFormat(lng, opts)));
  return f;
}
