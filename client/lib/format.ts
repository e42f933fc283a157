/**
 * Display formats. Everything a client component renders must come out the same on the server
 * and in the browser (or React reports a hydration mismatch), so locale and currency are fixed.
 */

const money = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' });

export function formatPrice(price: number): string {
  return money.format(price);
}

/** What a price input shows after editing: always two decimals, or the text as typed if it is no number. */
export function twoDecimals(text: string): string {
  const trimmed = text.trim();
  if (trimmed === '') return '';
  const n = Number(trimmed);
  return Number.isFinite(n) ? n.toFixed(2) : text;
}

/** Milliseconds left as mm:ss, never negative; minutes grow past 59 rather than wrap. */
export function formatCountdown(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const minutes = Math.floor(total / 60);
  const seconds = total % 60;
  return `${String(minutes).padStart(2, '0')}:${String(seconds).padStart(2, '0')}`;
}

const day = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric' });

/** A listing date, rendered by server components only (the server's time zone). */
export function formatDate(iso: string): string {
  return day.format(new Date(iso));
}
