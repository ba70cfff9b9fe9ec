// Money as the API sends it: an integer amount in minor units and a lowercase ISO currency.

/** The currencies the API accepts for prices and tips. */
export const CURRENCIES = ["usd", "eur", "gbp", "cad", "aud"] as const;
export type CurrencyCode = (typeof CURRENCIES)[number];

export interface Money {
  amount: number;
  currency: string;
}

const formatters = new Map<string, Intl.NumberFormat>();

function formatter(currency: string, locale?: string): Intl.NumberFormat {
  const key = `${locale ?? ""}:${currency}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.NumberFormat(locale, { style: "currency", currency: currency.toUpperCase() });
    formatters.set(key, f);
  }
  return f;
}

/** Digits after the decimal point in a currency's minor unit (2 for usd, 0 for jpy). */
export function minorDigits(currency: string): number {
  try {
    return formatter(currency, "en-US").resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}

/** "$5.00" for {amount: 500, currency: "usd"}; an unknown currency falls back to "5.00 XYZ". */
export function formatMoney(amount: number, currency: string, locale?: string): string {
  const digits = minorDigits(currency);
  const major = amount / 10 ** digits;
  try {
    return formatter(currency, locale).format(major);
  } catch {
    return `${major.toFixed(digits)} ${currency.toUpperCase()}`;
  }
}

export function formatPrice(m: Money, locale?: string): string {
  return formatMoney(m.amount, m.currency, locale);
}

/**
 * What someone typed ("5", "5.5", "5,50", "$5.00") as minor units, or null when it is not
 * an amount (more decimals than the currency has, letters, negative).
 */
export function parseMoney(input: string, currency: string): number | null {
  const digits = minorDigits(currency);
  const s = input.trim().replace(/^[^\d.,-]+/, "").trim().replace(",", ".");
  if (!/^\d+(\.\d*)?$/.test(s)) return null;
  const [whole, frac = ""] = s.split(".");
  if (frac.length > digits) return null;
  const minor = Number(whole) * 10 ** digits + Number(frac.padEnd(digits, "0") || "0");
  return Number.isSafeInteger(minor) ? minor : null;
}

/** The amount in major units for an input's initial value ("5.00"). */
export function toInputValue(amount: number, currency: string): string {
  const digits = minorDigits(currency);
  return (amount / 10 ** digits).toFixed(digits);
}
