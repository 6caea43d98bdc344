/**
 * Money and date-range helpers shared by the namespaces. Money is an integer count of the currency's
 * minor units everywhere in the kit (docs/decisions/0006-integer-minor-units.md); `formatMoney` turns
 * it into text for people with the platform's `Intl.NumberFormat`, which knows each currency's
 * minor-unit exponent (usd 2, jpy 0, kwd 3) and the locale's conventions.
 */

/** The number of minor-unit digits of an ISO 4217 currency (usd 2, jpy 0, kwd 3). */
export function currencyExponent(currency: string): number {
  return new Intl.NumberFormat('en', { style: 'currency', currency: currency.toUpperCase() }).resolvedOptions().maximumFractionDigits ?? 2;
}

/** The exact decimal text of `amountMinor` minor units with `exponent` digits ("-1234.50"). */
function decimalText(amountMinor: number | bigint, exponent: number): string {
  const minor = BigInt(amountMinor);
  const negative = minor < 0n;
  const digits = (negative ? -minor : minor).toString().padStart(exponent + 1, '0');
  const whole = digits.slice(0, digits.length - exponent);
  const fraction = exponent > 0 ? `.${digits.slice(digits.length - exponent)}` : '';
  return `${negative ? '-' : ''}${whole}${fraction}`;
}

/**
 * Formats an amount in minor units for people: `formatMoney(123450, 'usd', 'en-US')` is "$1,234.50",
 * `formatMoney(500, 'jpy', 'ja-JP')` is "￥500". Exact for every safe integer (no floating point:
 * the decimal is built from the integer). `locale` defaults to the runtime's.
 *
 * @example
 * const { data } = await kit.crm.payments.get(paymentId);
 * if (data) console.log(formatMoney(data.amount, data.currency)); // e.g. "$499.00"
 */
export function formatMoney(amountMinor: number | bigint, currency: string, locale?: string | string[]): string {
  if (typeof amountMinor === 'number' && !Number.isSafeInteger(amountMinor)) {
    throw new RangeError(`formatMoney takes a whole number of minor units, not ${amountMinor}`);
  }
  const code = currency.toUpperCase();
  const exponent = currencyExponent(code);
  const format = new Intl.NumberFormat(locale, { style: 'currency', currency: code, minimumFractionDigits: exponent, maximumFractionDigits: exponent });
  // Intl.NumberFormat formats decimal strings exactly (ECMA-402 "Intl.NumberFormat v3").
  return format.format(decimalText(amountMinor, exponent) as unknown as number);
}

/** The first UTC day on or after an instant (a date, or an ISO 8601 date-time), as YYYY-MM-DD. */
function dayOnOrAfter(instant: string): string {
  if (/^\d{4}-\d{2}-\d{2}$/.test(instant)) return instant;
  const time = Date.parse(instant);
  const day = new Date(time);
  day.setUTCHours(0, 0, 0, 0);
  if (day.getTime() < time) day.setUTCDate(day.getUTCDate() + 1);
  return day.toISOString().slice(0, 10);
}

/**
 * A `{ from, to }` range (inclusive `from`, exclusive `to`; dates or date-times) as bounds on a date
 * column whose days count as midnight UTC: `day >= from` and `day < to`. Assumes validated input.
 */
export function dayRange(range: { from?: string | undefined; to?: string | undefined }): { from?: string; to?: string } {
  return {
    ...(range.from ? { from: dayOnOrAfter(range.from) } : {}),
    ...(range.to ? { to: dayOnOrAfter(range.to) } : {}),
  };
}

/** The last day (inclusive) before an exclusive bound, as YYYY-MM-DD. */
export function dayBefore(day: string): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() - 1);
  return date.toISOString().slice(0, 10);
}
