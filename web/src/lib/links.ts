// Pure helpers for the short-link pages: the shorten form and the edit form as the API wants
// them (tags typed as "a, b, c", an expiry typed in local time), the API's refusals said for
// a person and pinned to the field they are about, click counts in words, and the clicks
// chart's label and bar heights. No I/O; unit tested.
import { ApiError, errorMessage } from "./api/client";
import type { CreateLink, LinkStats, LinkView, UpdateLink } from "./api/types";

/** The API's limits (see CreateLinkRequest): checked here first, so the form says why at once. */
export const TAGS_MAX = 10;
export const TAG_MAX_CHARS = 50;
export const TITLE_MAX = 200;
export const LONG_URL_MAX = 2048;
export const CODE_MIN = 3;
export const CODE_MAX = 64;
/** An expiry must be at least this far ahead when the link is made. */
export const MIN_EXPIRY_MINUTES = 5;
/** The period of the per-link chart. */
export const CHART_DAYS = 30;
/** The tag the API gives a booking page's short link. */
export const BOOKING_TAG = "booking";

const CODE = /^[A-Za-z0-9_-]+$/;
/** Letters, digits, `-` and `_`, with spaces only inside (any script, like the API). */
const TAG = /^[\p{L}\p{N}_-](?:[\p{L}\p{N}_ -]*[\p{L}\p{N}_-])?$/u;

// ---- Tags ----------------------------------------------------------------------------------

/**
 * "Design, CS101 ,, slides" → ["design", "cs101", "slides"]: split on commas, trimmed, inner
 * runs of spaces made one, lower case (the API stores them so), empty ones dropped, each once.
 */
export function parseTags(input: string): { ok: string[] } | { error: string } {
  const out: string[] = [];
  for (const raw of input.split(",")) {
    const t = raw.trim().replace(/\s+/g, " ").toLowerCase();
    if (!t) continue;
    if ([...t].length > TAG_MAX_CHARS) return { error: `A tag can be at most ${TAG_MAX_CHARS} characters: “${t.slice(0, 20)}…”.` };
    if (!TAG.test(t)) return { error: `Tag “${t}”: use letters, digits, - and _ (spaces only inside a tag).` };
    if (!out.includes(t)) out.push(t);
  }
  if (out.length > TAGS_MAX) return { error: `At most ${TAGS_MAX} tags (you typed ${out.length}).` };
  return { ok: out };
}

/** Tags as the input shows them. */
export const tagsInput = (tags: readonly string[]) => tags.join(", ");

// ---- The shorten form ----------------------------------------------------------------------

export type LinkField = "longUrl" | "title" | "tags" | "customCode" | "expires";

export interface LinkForm {
  longUrl: string;
  title: string;
  /** Comma-separated. */
  tags: string;
  customCode: string;
  /** A `datetime-local` value in the browser's zone ("2027-03-01T09:30"), or "". */
  expires: string;
}

export const EMPTY_LINK_FORM: LinkForm = { longUrl: "", title: "", tags: "", customCode: "", expires: "" };

export type FormResult<T> = { ok: T } | { error: string; field: LinkField };

/** Why a URL cannot be shortened as typed, or null (the API checks the rest: public hosts). */
export function longUrlProblem(raw: string): string | null {
  const s = raw.trim();
  if (!s) return "Enter the URL to shorten.";
  if (s.length > LONG_URL_MAX) return `The URL can be at most ${LONG_URL_MAX} characters.`;
  let u: URL;
  try {
    u = new URL(s);
  } catch {
    return "Enter a full URL, starting with https:// or http://.";
  }
  if (u.protocol !== "http:" && u.protocol !== "https:") return "Only http and https URLs can be shortened.";
  if (!u.hostname) return "The URL must name a host.";
  return null;
}

/** A `datetime-local` value (the browser's zone) as an ISO instant; null when not a date. */
export function localInputToIso(value: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(value)) return null;
  // Without an offset, a date-time string is read in the local zone.
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

/** An instant as a `datetime-local` value in the browser's zone, to the minute (for `min`). */
export function toLocalInput(d: Date): string {
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

/** The shorten form as `POST /v1/links` wants it, or the first thing to fix and where. */
export function linkRequest(f: LinkForm, now: Date = new Date()): FormResult<CreateLink> {
  const urlProblem = longUrlProblem(f.longUrl);
  if (urlProblem) return { error: urlProblem, field: "longUrl" };
  const title = f.title.trim();
  if (title.length > TITLE_MAX) return { error: `The title can be at most ${TITLE_MAX} characters.`, field: "title" };
  const tags = parseTags(f.tags);
  if ("error" in tags) return { error: tags.error, field: "tags" };
  const code = f.customCode.trim();
  if (code && (code.length < CODE_MIN || code.length > CODE_MAX || !CODE.test(code))) {
    return { error: `A custom code is ${CODE_MIN} to ${CODE_MAX} letters, digits, - or _.`, field: "customCode" };
  }
  let expires: string | null = null;
  if (f.expires) {
    expires = localInputToIso(f.expires);
    if (!expires) return { error: "Enter the expiry as a date and a time.", field: "expires" };
    if (Date.parse(expires) < now.getTime() + MIN_EXPIRY_MINUTES * 60_000) {
      return { error: `The expiry must be at least ${MIN_EXPIRY_MINUTES} minutes from now.`, field: "expires" };
    }
  }
  const body: CreateLink = { long_url: f.longUrl.trim() };
  if (title) body.title = title;
  if (tags.ok.length) body.tags = tags.ok;
  if (code) body.custom_code = code;
  if (expires) body.expires_at = expires;
  return { ok: body };
}

/** The edit form (title, tags) as `PATCH /v1/links/{id}` wants it: an empty title removes it. */
export function editRequest(f: { title: string; tags: string }): FormResult<UpdateLink> {
  const title = f.title.trim();
  if (title.length > TITLE_MAX) return { error: `The title can be at most ${TITLE_MAX} characters.`, field: "title" };
  const tags = parseTags(f.tags);
  if ("error" in tags) return { error: tags.error, field: "tags" };
  return { ok: { title: title || null, tags: tags.ok } };
}

// ---- The API's refusals ----------------------------------------------------------------------

const FIELD_NAMES: [prefix: string, field: LinkField, words: string][] = [
  ["long_url", "longUrl", "The URL"],
  ["custom_code", "customCode", "The custom code"],
  ["expires_at", "expires", "The expiry"],
  ["title", "title", "The title"],
  ["tags", "tags", "Tags"],
  ["tag", "tags", "Tag"],
  ["at most 10 tags", "tags", "At most 10 tags"],
];

/**
 * A refused create or edit said for a person, and the field it is about (null: the whole
 * form). The server's `detail` is shown, its field names in words; a taken code and the
 * provider's limits get a sentence of their own.
 */
export function linkProblem(e: unknown): { message: string; field: LinkField | null } {
  if (!(e instanceof ApiError)) return { message: errorMessage(e), field: null };
  switch (e.code) {
    case "code_taken":
      return { message: "That code is taken: pick another.", field: "customCode" };
    case "provider_rate_limited":
      return { message: "The link service is busy right now: try again in a minute.", field: null };
    case "provider_plan_limit":
      return { message: `The link service allows no more links for now${e.detail ? ` (${detailSentence(e.detail)})` : ""}.`, field: null };
  }
  if (e.code === "invalid" && e.detail) {
    for (const [prefix, field, words] of FIELD_NAMES) {
      if (e.detail.startsWith(prefix) && !/^[a-z_]/.test(e.detail.slice(prefix.length))) {
        return { message: sentence(words + e.detail.slice(prefix.length)), field };
      }
    }
    return { message: sentence(e.detail), field: null };
  }
  return { message: errorMessage(e), field: null };
}

/** Capitalised, with a full stop. */
function sentence(s: string): string {
  const t = s.trim();
  if (!t) return t;
  const first = t[0].toUpperCase() + t.slice(1);
  return /[.!?]$/.test(first) ? first : `${first}.`;
}

/** A detail inside a sentence: without its full stop. */
const detailSentence = (s: string) => s.trim().replace(/[.]$/, "");

// ---- Showing a link ---------------------------------------------------------------------------

/** "1 click", "1,234 clicks", "0 clicks". */
export function clicksText(n: number): string {
  return `${n.toLocaleString("en-US")} ${n === 1 ? "click" : "clicks"}`;
}

/** A URL without its scheme and a lone trailing slash: "example.com/a?b". */
export function displayUrl(url: string): string {
  return url.replace(/^https?:\/\//i, "").replace(/^([^/?#]+)\/$/, "$1");
}

/** What a link is called in the list: its title, else where it leads. */
export function linkName(l: Pick<LinkView, "title" | "long_url">): string {
  return l.title?.trim() || displayUrl(l.long_url);
}

/** Whether a link has expired (its short URL answers 410). */
export function isExpired(l: Pick<LinkView, "expires_at">, now: Date = new Date()): boolean {
  return Boolean(l.expires_at && Date.parse(l.expires_at) <= now.getTime());
}

/** "Expires Mar 3, 2027, 9:30 AM" / "Expired Mar 3, 2027, 9:30 AM" / null (never expires), in `timeZone`. */
export function expiryText(l: Pick<LinkView, "expires_at">, now: Date = new Date(), timeZone?: string): string | null {
  if (!l.expires_at) return null;
  const when = new Date(l.expires_at).toLocaleString("en-US", { dateStyle: "medium", timeStyle: "short", timeZone });
  return `${isExpired(l, now) ? "Expired" : "Expires"} ${when}`;
}

// ---- The clicks chart ------------------------------------------------------------------------

/** "Mar 3" for a UTC day "2027-03-03" (the stats' days are UTC days). */
export function dayLabel(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  if (Number.isNaN(d.getTime())) return date;
  return d.toLocaleDateString("en-US", { month: "short", day: "numeric", timeZone: "UTC" });
}

/** Clicks over the period's days (a Bitly total may count more than the days shown). */
export function periodClicks(stats: Pick<LinkStats, "days">): number {
  return stats.days.reduce((n, d) => n + Math.max(0, d.clicks), 0);
}

/** The chart's accessible summary: "12 clicks in the last 30 days", "No clicks today". */
export function statsSummary(stats: Pick<LinkStats, "days">, days: number = stats.days.length || CHART_DAYS): string {
  const n = periodClicks(stats);
  const period = days === 1 ? "today" : `in the last ${days} days`;
  if (n === 0) return `No clicks ${period}`;
  return `${clicksText(n)} ${period}`;
}

/** The busiest day of the period (the latest of equals), or null when nobody clicked. */
export function busiestDay(stats: Pick<LinkStats, "days">): { date: string; clicks: number } | null {
  let best: { date: string; clicks: number } | null = null;
  for (const d of stats.days) if (d.clicks > 0 && (!best || d.clicks >= best.clicks)) best = d;
  return best;
}

/**
 * Bar heights for counts, scaled so the largest is `height`; a day with any click gets at
 * least `minBar` (one click among hundreds still shows), a day without none. Whole units.
 */
export function barHeights(values: readonly number[], height: number, minBar = 1): number[] {
  const max = Math.max(0, ...values);
  if (max <= 0 || height <= 0) return values.map(() => 0);
  return values.map((v) => (v <= 0 ? 0 : Math.min(height, Math.max(minBar, Math.round((v / max) * height)))));
}
