// Pure helpers for the notification channels page (`/settings/channels`): the kinds of
// notice and the channels in words, which channel carries which kind at all (a digest goes
// by e-mail only), the form made from the API's answer and the body sent back, and what to
// say about the phone number and the e-mail address. No I/O; unit tested.
import type {
  ChannelKind,
  ChannelName,
  ChannelPrefs,
  ChannelsByKind,
  ChannelSet,
  EmailChannel,
  PhoneChannel,
  QuietHours,
  UpdateChannelPrefs,
} from "./api/types";

/** The kinds, in the order the page lists them, with their readable names. */
export const CHANNEL_KINDS: readonly { kind: ChannelKind; label: string }[] = [
  { kind: "booking_confirmed", label: "Booking confirmed" },
  { kind: "booking_changed", label: "Booking changed or cancelled" },
  { kind: "booking_reminder", label: "Booking reminder" },
  { kind: "digest", label: "Digest of unread mentions and DMs" },
  { kind: "lecture_reminder", label: "Lecture reminder" },
];

/** The channels, in the order of the table's columns. `inLabel` reads after "by"/"as". */
export const CHANNELS: readonly { channel: ChannelName; label: string; inLabel: string }[] = [
  { channel: "email", label: "E-mail", inLabel: "by e-mail" },
  { channel: "sms", label: "SMS", inLabel: "by text message (SMS)" },
  { channel: "push", label: "Push", inLabel: "as a push notification" },
];

export const kindLabel = (kind: ChannelKind): string => CHANNEL_KINDS.find((k) => k.kind === kind)?.label ?? kind;

/** Whether a kind goes out on a channel at all: a digest is e-mail only (the API refuses the rest). */
export function offers(kind: ChannelKind, channel: ChannelName): boolean {
  return !(kind === "digest" && channel !== "email");
}

/** A checkbox's accessible name: "Booking reminder by text message (SMS)". */
export function channelLabel(kind: ChannelKind, channel: ChannelName): string {
  const c = CHANNELS.find((x) => x.channel === channel);
  return `${kindLabel(kind)} ${c?.inLabel ?? channel}`;
}

/** Why a channel is not offered for a kind (null when it is). */
export function unavailableReason(kind: ChannelKind, channel: ChannelName): string | null {
  if (offers(kind, channel)) return null;
  return "The digest goes by e-mail only: it is never sent as a text or a push notification.";
}

// ---- The form ------------------------------------------------------------------------------------

/** Every kind's boxes as the form holds them (the body sends what a kind does not offer as off). */
export type ChannelBoxes = Record<ChannelKind, ChannelSet>;

export interface ChannelsForm {
  channels: ChannelBoxes;
  quiet: boolean;
  /** "HH:MM" */
  start: string;
  end: string;
  timeZone: string;
}

export const DEFAULT_QUIET = { start: "22:00", end: "08:00" } as const;

const hhmm = (v: string | null | undefined, fallback: string) => (v ? v.slice(0, 5) : fallback);

/** The form as the API's answer says; quiet hours off get the usual 22:00–08:00 in `fallbackZone` to start from. */
export function formOf(view: ChannelPrefs, fallbackZone: string): ChannelsForm {
  const q = view.quiet_hours;
  const channels = {} as ChannelBoxes;
  for (const { kind } of CHANNEL_KINDS) {
    const set = view.channels[kind];
    channels[kind] = { email: Boolean(set?.email), sms: Boolean(set?.sms), push: Boolean(set?.push) };
  }
  return {
    channels,
    quiet: Boolean(q),
    start: hhmm(q?.start, DEFAULT_QUIET.start),
    end: hhmm(q?.end, DEFAULT_QUIET.end),
    timeZone: q?.time_zone || fallbackZone,
  };
}

/** The form with one box changed; a channel a kind does not offer stays off. */
export function toggled(form: ChannelsForm, kind: ChannelKind, channel: ChannelName, on: boolean): ChannelsForm {
  if (!offers(kind, channel)) return form;
  return { ...form, channels: { ...form.channels, [kind]: { ...form.channels[kind], [channel]: on } } };
}

/** What is wrong with the quiet hours as typed (null when nothing is). */
export function quietHoursProblem(form: ChannelsForm): string | null {
  if (!form.quiet) return null;
  const ok = (v: string) => /^([01]\d|2[0-3]):[0-5]\d$/.test(v);
  if (!ok(form.start) || !ok(form.end)) return "Give quiet hours a start and an end time.";
  if (!form.timeZone) return "Pick the time zone the quiet hours are in.";
  return null;
}

/**
 * The PUT body: what GET gave, with the form's choices and quiet hours (null when off). The
 * phone and the address go back as they came (the API ignores them); channels a kind does
 * not offer are sent off whatever the form holds.
 */
export function bodyOf(form: ChannelsForm, view: ChannelPrefs): UpdateChannelPrefs {
  const channels = {} as ChannelBoxes;
  for (const { kind } of CHANNEL_KINDS) {
    const set = form.channels[kind];
    channels[kind] = {
      email: offers(kind, "email") && Boolean(set?.email),
      sms: offers(kind, "sms") && Boolean(set?.sms),
      push: offers(kind, "push") && Boolean(set?.push),
    };
  }
  return {
    // A digest's text and push are off whatever the boxes say: the API's type has them `false`.
    channels: channels as ChannelsByKind,
    phone: view.phone ?? null,
    email: view.email ?? null,
    quiet_hours: form.quiet
      ? // The API checks the zone's name against its own list.
        { start: form.start, end: form.end, time_zone: form.timeZone as QuietHours["time_zone"] }
      : null,
  };
}

/** Whether the form says something other than the API's answer (Save has something to do). */
export function isDirty(form: ChannelsForm, view: ChannelPrefs, fallbackZone: string): boolean {
  const a = bodyOf(form, view);
  const b = bodyOf(formOf(view, fallbackZone), view);
  return JSON.stringify(a.channels) !== JSON.stringify(b.channels) || JSON.stringify(a.quiet_hours) !== JSON.stringify(b.quiet_hours);
}

// ---- Where notices go ------------------------------------------------------------------------------

export type Tone = "info" | "warning" | "error";

export interface Notice {
  tone: Tone;
  text: string;
  /** A stable name for tests. */
  id: "no-phone" | "stopped" | "failing" | "no-email" | "bouncing";
}

/** What to say about the phone number texts go to (none: how to add one; dev: sign in again with one). */
export function phoneNotices(phone: PhoneChannel | null | undefined, devMode: boolean): Notice[] {
  if (!phone) {
    return [
      {
        id: "no-phone",
        tone: "info",
        text: devMode
          ? "No verified phone number: sign in again with a phone number to get texts."
          : "No verified phone number: add one to your account to get texts.",
      },
    ];
  }
  const out: Notice[] = [];
  if (phone.stopped) out.push({ id: "stopped", tone: "warning", text: "You replied STOP: texts are off until you reply START." });
  if (phone.failing) out.push({ id: "failing", tone: "error", text: "Texts to this number keep failing (it may not be a mobile number): none are sent." });
  return out;
}

/** What to say about the e-mail address. */
export function emailNotices(email: EmailChannel | null | undefined): Notice[] {
  if (!email) return [{ id: "no-email", tone: "info", text: "No e-mail address on your account: no e-mails are sent." }];
  if (email.bouncing) {
    return [{ id: "bouncing", tone: "error", text: "Mail to this address bounces: none are sent until your account's address changes." }];
  }
  return [];
}
