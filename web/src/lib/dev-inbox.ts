// The dev pages' view of what the offline test services caught: MailDev's e-mails and the
// fake Twilio's texts, as the app's route handlers (app/dev/{mail,sms}/…) hand them to the
// pages, and the small rules both sides share. No I/O; unit tested.

export interface MailAddress {
  address: string;
  name: string;
}

export interface MailAttachment {
  /** As the sender named it ("invite.ics"). */
  filename: string;
  /** MailDev's name for it: the one its attachment route takes. */
  generatedFileName: string;
  contentType: string;
  size: number | null;
}

export interface CaughtMail {
  id: string;
  subject: string;
  from: MailAddress[];
  to: MailAddress[];
  /** ISO 8601: when MailDev received it. */
  time: string;
  text: string;
  html: string;
  attachments: MailAttachment[];
}

export interface CaughtText {
  sid: string;
  direction: "outbound-api" | "inbound";
  to: string;
  from: string;
  body: string;
  status: string;
  /** ISO 8601 (the fake Twilio writes RFC 2822, as Twilio does). */
  date: string;
}

const str = (v: unknown): string => (typeof v === "string" ? v : "");
const obj = (v: unknown): Record<string, unknown> => (v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

function addresses(v: unknown): MailAddress[] {
  return list(v)
    .map(obj)
    .map((a) => ({ address: str(a.address), name: str(a.name) }))
    .filter((a) => a.address !== "");
}

function iso(v: unknown): string {
  const t = typeof v === "string" || typeof v === "number" ? Date.parse(String(v)) : NaN;
  return Number.isNaN(t) ? "" : new Date(t).toISOString();
}

/** One e-mail of MailDev's `GET /email`, as the page needs it (null for what is not one). */
export function toCaughtMail(raw: unknown): CaughtMail | null {
  const m = obj(raw);
  const id = str(m.id);
  if (!id) return null;
  return {
    id,
    subject: str(m.subject),
    from: addresses(m.from),
    to: addresses(m.to),
    time: iso(m.time),
    text: str(m.text),
    html: str(m.html),
    attachments: list(m.attachments)
      .map(obj)
      .map((a) => ({
        filename: str(a.filename) || str(a.generatedFileName),
        generatedFileName: str(a.generatedFileName),
        contentType: str(a.contentType) || "application/octet-stream",
        size: typeof a.size === "number" ? a.size : typeof a.length === "number" ? a.length : null,
      }))
      .filter((a) => a.generatedFileName !== ""),
  };
}

/** MailDev's list (arrival order) as the page shows it: newest first. */
export function newestMailFirst(raw: unknown): CaughtMail[] {
  const mails = list(raw)
    .map(toCaughtMail)
    .filter((m): m is CaughtMail => m !== null);
  // Arrival order reversed; the times break no ties (two mails may share a millisecond).
  return mails.reverse();
}

/** One text of the fake Twilio's `GET /_fake/messages` (null for what is not one). */
export function toCaughtText(raw: unknown): CaughtText | null {
  const m = obj(raw);
  const sid = str(m.sid);
  if (!sid) return null;
  return {
    sid,
    direction: m.direction === "inbound" ? "inbound" : "outbound-api",
    to: str(m.to),
    from: str(m.from),
    body: str(m.body),
    status: str(m.status),
    date: iso(m.date_created),
  };
}

/** The fake Twilio's list, already newest first. */
export function caughtTexts(raw: unknown): CaughtText[] {
  return list(raw)
    .map(toCaughtText)
    .filter((t): t is CaughtText => t !== null);
}

/** Mails to a recipient: any part of an address or a name, any case; all of them for "". */
export function filterByRecipient(mails: CaughtMail[], query: string): CaughtMail[] {
  const q = query.trim().toLowerCase();
  if (!q) return mails;
  return mails.filter((m) => m.to.some((a) => a.address.toLowerCase().includes(q) || a.name.toLowerCase().includes(q)));
}

export const isCalendar = (a: Pick<MailAttachment, "contentType" | "filename">): boolean =>
  /^text\/calendar\b/i.test(a.contentType) || /\.ics$/i.test(a.filename);

/** "Kenji <kenji@example.com>", or the bare address. */
export const addressText = (a: MailAddress): string => (a.name ? `${a.name} <${a.address}>` : a.address);

/** "1.2 kB". */
export function sizeText(bytes: number | null): string {
  if (bytes === null) return "";
  if (bytes < 1000) return `${bytes} B`;
  return `${(bytes / 1000).toFixed(1)} kB`;
}

// ---- Ids the route handlers pass on to the services --------------------------------------------

/** A MailDev e-mail id (8 letters and digits today): nothing that could leave the path. */
export const isMailId = (v: string): boolean => /^[A-Za-z0-9_-]{1,64}$/.test(v);

/** MailDev's generated attachment name: a file name, never a path. */
export const isAttachmentName = (v: string): boolean => /^[A-Za-z0-9._ ()+-]{1,255}$/.test(v) && v !== "." && v !== "..";

/** E.164, as the API takes a number (+ and 8 to 15 digits). */
export const isE164 = (v: string): boolean => /^\+[1-9][0-9]{7,14}$/.test(v);

/** What a reply (the person texting back) may be: 1 to 1,600 characters. */
export function replyProblem(from: string, body: string): string | null {
  if (!isE164(from.trim())) return "The number to reply from must be in E.164 form, e.g. +15551234567.";
  if (!body.trim()) return "Write what the person texts back, e.g. STOP.";
  if (body.length > 1600) return "A text is at most 1,600 characters.";
  return null;
}
