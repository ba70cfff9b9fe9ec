// Pure helpers for the booking pages: time zones and instants shown in a zone, the month
// calendar's grid, slots grouped by the visitor's day, the refund a cancellation gets, the
// host's schedule and booking-type forms as the API wants them. No I/O; unit tested.
import type {
  Availability,
  Booking,
  BookingStatus,
  BookingType,
  CreateBookingType,
  DateOverride,
  Slot,
  TimeRange,
  TimeZone,
  Weekday,
} from "./api/types";
import { formatMoney, parseMoney, toInputValue } from "./money";

// ---- Time zones ----------------------------------------------------------------------------

/** The browser's IANA zone ("UTC" when it has none). */
export function browserTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
  } catch {
    return "UTC";
  }
}

/** Whether the runtime knows a zone name. */
export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** A few zones for runtimes without `Intl.supportedValuesOf`. */
const FALLBACK_ZONES = [
  "UTC",
  "America/Los_Angeles",
  "America/Denver",
  "America/Chicago",
  "America/New_York",
  "America/Sao_Paulo",
  "Europe/London",
  "Europe/Paris",
  "Europe/Berlin",
  "Africa/Lagos",
  "Asia/Dubai",
  "Asia/Kolkata",
  "Asia/Singapore",
  "Asia/Tokyo",
  "Australia/Sydney",
  "Pacific/Auckland",
];

/** Every zone the runtime knows, sorted, with `include` (the current choice) among them. */
export function timeZoneOptions(include: (string | null | undefined)[] = []): string[] {
  let zones: string[];
  try {
    zones = (Intl as unknown as { supportedValuesOf(k: string): string[] }).supportedValuesOf("timeZone");
  } catch {
    zones = FALLBACK_ZONES;
  }
  const all = new Set(zones);
  all.add("UTC");
  for (const z of include) if (z) all.add(z);
  return [...all].sort((a, b) => a.localeCompare(b));
}

/** "GMT+1", "GMT-4:30", "GMT" for a zone at an instant. */
export function zoneOffset(tz: string, at: Date = new Date()): string {
  try {
    const part = new Intl.DateTimeFormat("en-US", { timeZone: tz, timeZoneName: "shortOffset" })
      .formatToParts(at)
      .find((p) => p.type === "timeZoneName");
    return part?.value ?? "";
  } catch {
    return "";
  }
}

/** "Europe/Paris (GMT+1)": a zone as a select shows it. */
export function zoneLabel(tz: string, at: Date = new Date()): string {
  const off = zoneOffset(tz, at);
  return off ? `${tz.replace(/_/g, " ")} (${off})` : tz.replace(/_/g, " ");
}

/** The zone as the API's type (the API checks it: it refuses a name it does not know). */
export const asTimeZone = (tz: string) => tz as TimeZone;

// ---- Calendar days in a zone ---------------------------------------------------------------

export interface YearMonth {
  year: number;
  /** 1 to 12 */
  month: number;
}

const partsFormatters = new Map<string, Intl.DateTimeFormat>();

function zonedNumbers(at: Date, tz: string): { year: number; month: number; day: number; hour: number; minute: number } {
  let f = partsFormatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone: tz,
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      hourCycle: "h23",
    });
    partsFormatters.set(tz, f);
  }
  const n: Record<string, number> = {};
  for (const p of f.formatToParts(at)) if (p.type !== "literal") n[p.type] = Number(p.value);
  return { year: n.year, month: n.month, day: n.day, hour: n.hour % 24, minute: n.minute };
}

const pad = (n: number) => String(n).padStart(2, "0");

/** The calendar day (`YYYY-MM-DD`) an instant falls on in a zone. */
export function dayKey(at: string | Date, tz: string): string {
  const n = zonedNumbers(typeof at === "string" ? new Date(at) : at, tz);
  return `${n.year}-${pad(n.month)}-${pad(n.day)}`;
}

/** The month an instant falls in, in a zone. */
export function monthOf(at: string | Date, tz: string): YearMonth {
  const n = zonedNumbers(typeof at === "string" ? new Date(at) : at, tz);
  return { year: n.year, month: n.month };
}

export function monthKey(m: YearMonth): string {
  return `${m.year}-${pad(m.month)}`;
}

export function addMonths(m: YearMonth, by: number): YearMonth {
  const i = m.year * 12 + (m.month - 1) + by;
  return { year: Math.floor(i / 12), month: (i % 12) + 1 };
}

export function compareMonths(a: YearMonth, b: YearMonth): number {
  return a.year * 12 + a.month - (b.year * 12 + b.month);
}

/** The days of a month, Monday-first weeks, `null` before the 1st and after the last. */
export function monthGrid(m: YearMonth): (string | null)[][] {
  const first = new Date(Date.UTC(m.year, m.month - 1, 1));
  const days = new Date(Date.UTC(m.year, m.month, 0)).getUTCDate();
  const lead = (first.getUTCDay() + 6) % 7; // Monday = 0
  const cells: (string | null)[] = Array.from({ length: lead }, () => null);
  for (let d = 1; d <= days; d++) cells.push(`${m.year}-${pad(m.month)}-${pad(d)}`);
  while (cells.length % 7) cells.push(null);
  const weeks: (string | null)[][] = [];
  for (let i = 0; i < cells.length; i += 7) weeks.push(cells.slice(i, i + 7));
  return weeks;
}

/** A `YYYY-MM-DD` day moved by some days (calendar arithmetic, no zone). */
export function addDays(day: string, by: number): string {
  const [y, m, d] = day.split("-").map(Number);
  const t = new Date(Date.UTC(y, m - 1, d + by));
  return `${t.getUTCFullYear()}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())}`;
}

/**
 * The instants to ask `/slots` for to fill a month in any zone: a day more on each side
 * (zones are at most 14 hours from UTC), from `now` at the earliest; null when the month
 * is over. At most 33 days: within the API's 62.
 */
export function monthQueryRange(m: YearMonth, now: Date = new Date()): { from: string; to: string } | null {
  const from = new Date(Math.max(Date.UTC(m.year, m.month - 1, 0), now.getTime()));
  const to = new Date(Date.UTC(m.year, m.month, 2));
  if (from >= to) return null;
  return { from: from.toISOString(), to: to.toISOString() };
}

/** Slots by the day they start on in a zone, each day's earliest first. */
export function slotsByDay(slots: Slot[], tz: string): Map<string, Slot[]> {
  const out = new Map<string, Slot[]>();
  for (const s of [...slots].sort((a, b) => a.start.localeCompare(b.start))) {
    const k = dayKey(s.start, tz);
    const list = out.get(k);
    if (list) list.push(s);
    else out.set(k, [s]);
  }
  return out;
}

/** The last month slots may be offered in, `window_days` after now, in a zone. */
export function lastBookableMonth(windowDays: number, tz: string, now: Date = new Date()): YearMonth {
  return monthOf(new Date(now.getTime() + windowDays * 86_400_000), tz);
}

// ---- Formatting ----------------------------------------------------------------------------

/** "9:30 AM" (the locale's form) of an instant in a zone. */
export function formatTimeIn(iso: string, tz: string, locale?: string): string {
  return new Date(iso).toLocaleTimeString(locale, { timeZone: tz, hour: "numeric", minute: "2-digit" });
}

/** "Tuesday, December 9, 2025" for a `YYYY-MM-DD` day. */
export function formatDayLong(day: string, locale?: string): string {
  const [y, m, d] = day.split("-").map(Number);
  return new Date(Date.UTC(y, m - 1, d)).toLocaleDateString(locale, {
    weekday: "long",
    year: "numeric",
    month: "long",
    day: "numeric",
    timeZone: "UTC",
  });
}

/** "December 2025" */
export function formatMonth(m: YearMonth, locale?: string): string {
  return new Date(Date.UTC(m.year, m.month - 1, 1)).toLocaleDateString(locale, { month: "long", year: "numeric", timeZone: "UTC" });
}

/** "Tue, Dec 9, 2025, 10:00 – 10:30 AM" in a zone (the locale's form). */
export function formatSpan(startIso: string, endIso: string, tz: string, locale?: string): string {
  const f = new Intl.DateTimeFormat(locale, {
    timeZone: tz,
    weekday: "short",
    year: "numeric",
    month: "short",
    day: "numeric",
    hour: "numeric",
    minute: "2-digit",
  });
  const start = new Date(startIso);
  const end = new Date(endIso);
  try {
    return f.formatRange(start, end);
  } catch {
    return `${f.format(start)} – ${f.format(end)}`;
  }
}

/** "Tue, Dec 9, 2025, 10:00 AM" in a zone. */
export function formatInstant(iso: string, tz: string, locale?: string): string {
  return new Date(iso).toLocaleString(locale, {
    timeZone: tz,
    weekday: "short",
    year: "numeric",
    month: "short",
    day: "numeric",
    hour: "numeric",
    minute: "2-digit",
  });
}

/** "30 min", "1 h", "1 h 30 min" */
export function formatDuration(minutes: number): string {
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  if (h === 0) return `${m} min`;
  return m === 0 ? `${h} h` : `${h} h ${m} min`;
}

/** "Free" or "$25.00". */
export function formatBookingPrice(price: { amount: number; currency: string } | null | undefined, locale?: string): string {
  return price ? formatMoney(price.amount, price.currency, locale) : "Free";
}

// ---- Statuses and what one may do -----------------------------------------------------------

export const BOOKING_STATUS_LABELS: Record<BookingStatus, string> = {
  held: "Awaiting payment",
  pending: "Awaiting host",
  confirmed: "Confirmed",
  cancelled: "Cancelled",
  rejected: "Declined",
  expired: "Expired",
};

/** A booking that still keeps its slot. */
export function isLive(status: BookingStatus): boolean {
  return status === "held" || status === "pending" || status === "confirmed";
}

/** A booking that has not begun can be moved while pending or confirmed. */
export function canReschedule(b: Pick<Booking, "status" | "start">, now: Date = new Date()): boolean {
  return (b.status === "pending" || b.status === "confirmed") && new Date(b.start) > now;
}

export function canCancelBooking(b: Pick<Booking, "status">): boolean {
  return isLive(b.status);
}

export interface RefundNotice {
  /** `full`: the money goes back; `none`: it does not; `unpaid`: nothing was paid. */
  refund: "full" | "none" | "unpaid";
  text: string;
}

/**
 * What cancelling does with the money, said to the person about to cancel: the host
 * cancelling refunds in full; the client, in full until `refund_until_hours` before the
 * start, else nothing.
 */
export function refundNotice(
  b: Pick<Booking, "status" | "price" | "start" | "host_id" | "refund_until_hours">,
  viewerId: string,
  now: Date = new Date(),
): RefundNotice {
  if (!b.price) return { refund: "unpaid", text: "This booking is free: no payment is involved." };
  const price = formatMoney(b.price.amount, b.price.currency);
  if (b.status === "held") return { refund: "unpaid", text: "It hasn't been paid yet: nothing will be charged." };
  if (viewerId === b.host_id) return { refund: "full", text: `The client gets a full refund of ${price}.` };
  const h = b.refund_until_hours;
  if (h == null) return { refund: "none", text: `This booking isn't refundable: the ${price} you paid stays with the host.` };
  const deadline = new Date(b.start).getTime() - h * 3_600_000;
  if (now.getTime() <= deadline) return { refund: "full", text: `You get a full refund of ${price} (you cancel more than ${h} hours before the start).` };
  return { refund: "none", text: `No refund: cancellations less than ${h} hours before the start aren't refunded.` };
}

/** The client's side of a type's refund policy, for the booking page. */
export function refundPolicy(hours: number | null | undefined): string {
  if (hours == null) return "No refunds on cancellation.";
  if (hours === 0) return "Full refund if you cancel before the start.";
  return `Full refund if you cancel at least ${hours} hours before the start.`;
}

// ---- The host's schedule ---------------------------------------------------------------------

export const WEEKDAYS: { day: Weekday; label: string }[] = [
  { day: "mon", label: "Monday" },
  { day: "tue", label: "Tuesday" },
  { day: "wed", label: "Wednesday" },
  { day: "thu", label: "Thursday" },
  { day: "fri", label: "Friday" },
  { day: "sat", label: "Saturday" },
  { day: "sun", label: "Sunday" },
];

/** The schedule as the editor holds it: each weekday's ranges, and the dates that differ. */
export interface ScheduleDraft {
  timeZone: string;
  weekly: Record<Weekday, TimeRange[]>;
  overrides: DateOverride[];
}

export function draftFromAvailability(a: Availability): ScheduleDraft {
  const weekly = Object.fromEntries(WEEKDAYS.map((w) => [w.day, [] as TimeRange[]])) as Record<Weekday, TimeRange[]>;
  for (const r of a.weekly) weekly[r.day].push({ start: r.start, end: r.end });
  for (const w of WEEKDAYS) weekly[w.day].sort((x, y) => x.start.localeCompare(y.start));
  const overrides = [...a.overrides].sort((x, y) => x.date.localeCompare(y.date)).map((o) => ({ date: o.date, ranges: [...o.ranges] }));
  return { timeZone: a.time_zone, weekly, overrides };
}

const CLOCK = /^([01]\d|2[0-3]):[0-5]\d$/;

function rangeError(r: TimeRange): string | null {
  if (!CLOCK.test(r.start) || !CLOCK.test(r.end)) return "Times are HH:MM, from 00:00 to 23:59.";
  if (r.end <= r.start) return `${r.start}–${r.end}: the end must be after the start, on the same day.`;
  return null;
}

/** The schedule to `PUT`, or the first thing wrong with it. */
export function availabilityFromDraft(d: ScheduleDraft): { ok: Availability } | { error: string } {
  if (!isTimeZone(d.timeZone)) return { error: `${d.timeZone} isn't a time zone.` };
  const weekly: Availability["weekly"] = [];
  for (const w of WEEKDAYS) {
    for (const r of d.weekly[w.day]) {
      const e = rangeError(r);
      if (e) return { error: `${w.label}: ${e}` };
      weekly.push({ day: w.day, start: r.start, end: r.end });
    }
  }
  const seen = new Set<string>();
  for (const o of d.overrides) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(o.date)) return { error: "Each date override needs a date." };
    if (seen.has(o.date)) return { error: `The date ${o.date} is there twice.` };
    seen.add(o.date);
    for (const r of o.ranges) {
      const e = rangeError(r);
      if (e) return { error: `${o.date}: ${e}` };
    }
  }
  if (weekly.length > 50) return { error: "At most 50 weekly ranges." };
  return {
    ok: {
      time_zone: asTimeZone(d.timeZone),
      weekly,
      overrides: d.overrides.map((o) => ({ date: o.date, ranges: o.ranges.map((r) => ({ start: r.start, end: r.end })) })),
    },
  };
}

// ---- Booking types ---------------------------------------------------------------------------

/** "Intro call!" → "intro-call": lowercase letters and digits joined by single hyphens. */
export function slugify(title: string): string {
  return title
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 64)
    .replace(/-+$/, "");
}

export const SLUG_PATTERN = /^[a-z0-9]+(-[a-z0-9]+)*$/;

/** A booking type's form, every field as typed. */
export interface TypeForm {
  title: string;
  slug: string;
  description: string;
  length: string;
  /** Empty: free. */
  price: string;
  currency: string;
  bufferBefore: string;
  bufferAfter: string;
  notice: string;
  windowDays: string;
  /** Empty: the length. */
  interval: string;
  /** Empty: no limit. */
  maxPerDay: string;
  requiresConfirmation: boolean;
  /** Empty: no refunds. */
  refundHours: string;
}

export function typeFormFrom(t?: BookingType): TypeForm {
  return {
    title: t?.title ?? "",
    slug: t?.slug ?? "",
    description: t?.description ?? "",
    length: String(t?.length_minutes ?? 30),
    price: t?.price ? toInputValue(t.price.amount, t.price.currency) : "",
    currency: t?.price?.currency ?? "usd",
    bufferBefore: String(t?.buffer_before_minutes ?? 0),
    bufferAfter: String(t?.buffer_after_minutes ?? 0),
    notice: String(t?.minimum_notice_minutes ?? 0),
    windowDays: String(t?.window_days ?? 60),
    interval: t && t.slot_interval_minutes !== t.length_minutes ? String(t.slot_interval_minutes) : "",
    maxPerDay: t?.max_per_day != null ? String(t.max_per_day) : "",
    requiresConfirmation: t?.requires_confirmation ?? false,
    refundHours: t?.refund_until_hours != null ? String(t.refund_until_hours) : "",
  };
}

function whole(raw: string, name: string, min: number, max: number): number | string {
  const s = raw.trim();
  if (!/^\d+$/.test(s)) return `${name} must be a whole number from ${min} to ${max}.`;
  const n = Number(s);
  return n < min || n > max ? `${name} must be ${min} to ${max}.` : n;
}

/**
 * The request for a type's form (every field: an edit sends them all, nulls clearing the
 * optional ones), or the first thing wrong with it.
 */
export function typeRequest(f: TypeForm): { ok: CreateBookingType } | { error: string } {
  const title = f.title.trim();
  if (!title) return { error: "Give it a title." };
  const slug = f.slug.trim();
  if (!SLUG_PATTERN.test(slug) || slug.length > 64) return { error: "The link name is lowercase letters and digits joined by single hyphens (intro-call)." };
  const length = whole(f.length, "The length", 5, 720);
  if (typeof length === "string") return { error: length };
  let price: CreateBookingType["price"] = null;
  if (f.price.trim()) {
    const minor = parseMoney(f.price, f.currency);
    if (minor === null || minor < 100 || minor > 1_000_000)
      return { error: `The price must be ${formatMoney(100, f.currency)} to ${formatMoney(1_000_000, f.currency)}, or empty for free.` };
    price = { amount: minor, currency: f.currency };
  }
  const before = whole(f.bufferBefore, "The buffer before", 0, 240);
  if (typeof before === "string") return { error: before };
  const after = whole(f.bufferAfter, "The buffer after", 0, 240);
  if (typeof after === "string") return { error: after };
  const notice = whole(f.notice, "The minimum notice", 0, 43_200);
  if (typeof notice === "string") return { error: notice };
  const windowDays = whole(f.windowDays, "How far ahead", 1, 365);
  if (typeof windowDays === "string") return { error: windowDays };
  let interval = length;
  if (f.interval.trim()) {
    const v = whole(f.interval, "The slot interval", 5, 720);
    if (typeof v === "string") return { error: v };
    interval = v;
  }
  let maxPerDay: number | null = null;
  if (f.maxPerDay.trim()) {
    const v = whole(f.maxPerDay, "The daily limit", 1, 100);
    if (typeof v === "string") return { error: v };
    maxPerDay = v;
  }
  let refund: number | null = null;
  if (f.refundHours.trim()) {
    const v = whole(f.refundHours, "The refund deadline", 0, 720);
    if (typeof v === "string") return { error: v };
    refund = v;
  }
  return {
    ok: {
      title,
      slug,
      description: f.description.trim() || null,
      length_minutes: length,
      price,
      buffer_before_minutes: before,
      buffer_after_minutes: after,
      minimum_notice_minutes: notice,
      window_days: windowDays,
      slot_interval_minutes: interval,
      max_per_day: maxPerDay,
      requires_confirmation: f.requiresConfirmation,
      refund_until_hours: refund,
    },
  };
}

/** Where a host's type is booked: `/book/{host}/{slug}` on this origin. */
export function bookingPagePath(hostId: string, slug: string): string {
  return `/book/${encodeURIComponent(hostId)}/${encodeURIComponent(slug)}`;
}
