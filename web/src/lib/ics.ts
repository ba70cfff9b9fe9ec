// A small iCalendar (RFC 5545) reader for the dev mail page's "Calendar invite" panel: the
// content lines unfolded, each split into name, parameters and value, and an invite's
// METHOD, SUMMARY, times, STATUS and SEQUENCE read from them. Enough for the invitations
// Parley sends (UTC times); not a full parser. No I/O; unit tested.

export interface IcsLine {
  /** Upper-cased, e.g. "DTSTART". */
  name: string;
  /** Parameter names upper-cased; values unquoted ("TZID" → "Europe/Paris"). */
  params: Record<string, string>;
  /** As written (TEXT values still escaped: see unescapeText). */
  value: string;
}

/** Content lines joined back: a line break followed by a space or a tab continues the line before (RFC 5545 §3.1). */
export function unfold(text: string): string[] {
  return text
    .replace(/\r\n|\r/g, "\n")
    .replace(/\n[ \t]/g, "")
    .split("\n")
    .filter((l) => l.trim() !== "");
}

/** Splits `s` at each `sep` outside double quotes. */
function splitUnquoted(s: string, sep: string, limit = Infinity): string[] {
  const out: string[] = [];
  let quoted = false;
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '"') quoted = !quoted;
    else if (c === sep && !quoted && out.length < limit - 1) {
      out.push(s.slice(start, i));
      start = i + 1;
    }
  }
  out.push(s.slice(start));
  return out;
}

/** One content line: `NAME;PARAM=value;P2="quoted:value":the value` (the first colon outside quotes ends the parameters). */
export function parseLine(line: string): IcsLine | null {
  const [head, value] = splitUnquoted(line, ":", 2);
  if (value === undefined) return null;
  const [name, ...rawParams] = splitUnquoted(head, ";");
  if (!name) return null;
  const params: Record<string, string> = {};
  for (const p of rawParams) {
    const eq = p.indexOf("=");
    if (eq <= 0) continue;
    const v = p.slice(eq + 1);
    params[p.slice(0, eq).toUpperCase()] = v.length >= 2 && v.startsWith('"') && v.endsWith('"') ? v.slice(1, -1) : v;
  }
  return { name: name.trim().toUpperCase(), params, value };
}

export function parseIcs(text: string): IcsLine[] {
  return unfold(text)
    .map(parseLine)
    .filter((l): l is IcsLine => l !== null);
}

/** A TEXT value as meant: `\n` a line break, `\,` `\;` `\\` the character itself. */
export function unescapeText(v: string): string {
  return v.replace(/\\([nN,;\\])/g, (_, c: string) => (c === "n" || c === "N" ? "\n" : c));
}

/**
 * A DATE-TIME or DATE value as an instant: `20270304T093000Z` (UTC), a floating
 * `20270304T093000` or a DATE `20270304` read as UTC too (a TZID is not resolved: Parley
 * sends UTC). Null when it is neither.
 */
export function parseIcsDate(v: string): Date | null {
  const m = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})(Z)?)?$/.exec(v.trim());
  if (!m) return null;
  const [, y, mo, d, h = "00", mi = "00", s = "00"] = m;
  const t = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  const date = new Date(t);
  return date.getUTCMonth() === Number(mo) - 1 && date.getUTCDate() === Number(d) ? date : null;
}

export interface IcsTime {
  /** As written in the file. */
  raw: string;
  /** The instant, when it could be read. */
  at: Date | null;
  /** Whether the file says UTC (a trailing Z). */
  utc: boolean;
  tzid: string | null;
}

export interface Invite {
  /** The calendar's METHOD: REQUEST (an invitation or an update), CANCEL, PUBLISH… */
  method: string | null;
  summary: string | null;
  start: IcsTime | null;
  end: IcsTime | null;
  status: string | null;
  sequence: number | null;
  uid: string | null;
  description: string | null;
}

function time(l: IcsLine | undefined): IcsTime | null {
  if (!l) return null;
  return { raw: l.value, at: parseIcsDate(l.value), utc: /Z$/i.test(l.value.trim()), tzid: l.params.TZID ?? null };
}

/** The METHOD of the calendar and the first event's details. */
export function parseInvite(text: string): Invite {
  const lines = parseIcs(text);
  let depth: string[] = [];
  const calendar: IcsLine[] = [];
  const event: IcsLine[] = [];
  let eventsSeen = 0;
  for (const l of lines) {
    if (l.name === "BEGIN") {
      const what = l.value.trim().toUpperCase();
      depth = [...depth, what];
      if (what === "VEVENT") eventsSeen += 1;
      continue;
    }
    if (l.name === "END") {
      depth = depth.slice(0, -1);
      continue;
    }
    const here = depth[depth.length - 1];
    if (here === "VCALENDAR" && depth.length === 1) calendar.push(l);
    else if (here === "VEVENT" && eventsSeen === 1) event.push(l);
  }
  const get = (from: IcsLine[], name: string) => from.find((l) => l.name === name);
  const text_ = (l: IcsLine | undefined) => (l ? unescapeText(l.value) : null);
  const seq = get(event, "SEQUENCE")?.value.trim();
  return {
    method: get(calendar, "METHOD")?.value.trim().toUpperCase() ?? null,
    summary: text_(get(event, "SUMMARY")),
    start: time(get(event, "DTSTART")),
    end: time(get(event, "DTEND")),
    status: get(event, "STATUS")?.value.trim().toUpperCase() ?? null,
    sequence: seq && /^\d+$/.test(seq) ? Number(seq) : null,
    uid: text_(get(event, "UID")),
    description: text_(get(event, "DESCRIPTION")),
  };
}

/** "2027-03-04 09:30 UTC". */
export function utcText(d: Date): string {
  return `${d.toISOString().slice(0, 10)} ${d.toISOString().slice(11, 16)} UTC`;
}

/** "Thu, Mar 4, 2027, 6:30 PM GMT+9": the instant in a zone (the browser's by default). */
export function localText(d: Date, timeZone?: string, locale = "en-US"): string {
  return d.toLocaleString(locale, {
    timeZone,
    weekday: "short",
    year: "numeric",
    month: "short",
    day: "numeric",
    hour: "numeric",
    minute: "2-digit",
    timeZoneName: "short",
  });
}
