import { describe, expect, it } from "vitest";
import type { ChannelPrefs } from "./api/types";
import {
  bodyOf,
  channelLabel,
  CHANNEL_KINDS,
  emailNotices,
  formOf,
  isDirty,
  offers,
  phoneNotices,
  quietHoursProblem,
  toggled,
  unavailableReason,
} from "./channels";

const on = { email: true, sms: false, push: true };
const view = (over: Partial<ChannelPrefs> = {}): ChannelPrefs => ({
  channels: {
    booking_confirmed: on,
    booking_changed: on,
    booking_reminder: { email: true, sms: true, push: true },
    digest: { email: true, sms: false, push: false },
    lecture_reminder: { email: true, sms: true, push: true },
  },
  phone: { number: "+15551234567", verified: true, stopped: false, failing: false },
  email: { address: "kenji@example.com", bouncing: false },
  quiet_hours: null,
  ...over,
});

describe("kinds and channels", () => {
  it("lists the five kinds with readable names", () => {
    expect(CHANNEL_KINDS.map((k) => k.kind)).toEqual(["booking_confirmed", "booking_changed", "booking_reminder", "digest", "lecture_reminder"]);
    expect(CHANNEL_KINDS.find((k) => k.kind === "digest")?.label).toBe("Digest of unread mentions and DMs");
  });

  it("offers every channel but a digest's texts and pushes", () => {
    expect(offers("booking_reminder", "sms")).toBe(true);
    expect(offers("digest", "email")).toBe(true);
    expect(offers("digest", "sms")).toBe(false);
    expect(offers("digest", "push")).toBe(false);
    expect(unavailableReason("digest", "push")).toMatch(/e-mail only/);
    expect(unavailableReason("booking_changed", "push")).toBeNull();
  });

  it("names each checkbox by kind and channel", () => {
    expect(channelLabel("booking_confirmed", "email")).toBe("Booking confirmed by e-mail");
    expect(channelLabel("lecture_reminder", "sms")).toBe("Lecture reminder by text message (SMS)");
  });
});

describe("the form", () => {
  it("starts from the API's answer; quiet hours off get 22:00–08:00 in the fallback zone", () => {
    const f = formOf(view(), "Asia/Tokyo");
    expect(f.channels.booking_reminder.sms).toBe(true);
    expect(f.quiet).toBe(false);
    expect([f.start, f.end, f.timeZone]).toEqual(["22:00", "08:00", "Asia/Tokyo"]);
    const g = formOf(view({ quiet_hours: { start: "21:30", end: "07:15", time_zone: "Europe/Paris" } }), "Asia/Tokyo");
    expect([g.quiet, g.start, g.end, g.timeZone]).toEqual([true, "21:30", "07:15", "Europe/Paris"]);
  });

  it("sends back what GET gave with the changes, quiet hours null when off", () => {
    const v = view();
    let f = toggled(formOf(v, "UTC"), "booking_confirmed", "email", false);
    f = { ...f, quiet: true, start: "23:00", end: "06:30", timeZone: "Europe/Paris" };
    const body = bodyOf(f, v);
    expect(body.channels.booking_confirmed).toEqual({ email: false, sms: false, push: true });
    expect(body.channels.booking_changed).toEqual(on);
    expect(body.quiet_hours).toEqual({ start: "23:00", end: "06:30", time_zone: "Europe/Paris" });
    expect(body.phone).toEqual(v.phone);
    expect(body.email).toEqual(v.email);
    expect(bodyOf({ ...f, quiet: false }, v).quiet_hours).toBeNull();
  });

  it("never turns on a digest's text or push", () => {
    const f = formOf(view(), "UTC");
    expect(toggled(f, "digest", "sms", true)).toBe(f);
    const forced = { ...f, channels: { ...f.channels, digest: { email: true, sms: true, push: true } } };
    expect(bodyOf(forced, view()).channels.digest).toEqual({ email: true, sms: false, push: false });
  });

  it("knows when there is something to save", () => {
    const v = view();
    const f = formOf(v, "UTC");
    expect(isDirty(f, v, "UTC")).toBe(false);
    expect(isDirty(toggled(f, "digest", "email", false), v, "UTC")).toBe(true);
    expect(isDirty({ ...f, quiet: true }, v, "UTC")).toBe(true);
    // Times edited while quiet hours are off change nothing.
    expect(isDirty({ ...f, start: "20:00" }, v, "UTC")).toBe(false);
  });

  it("checks quiet hours' times and zone only when they are on", () => {
    const f = formOf(view(), "UTC");
    expect(quietHoursProblem({ ...f, start: "" })).toBeNull();
    expect(quietHoursProblem({ ...f, quiet: true })).toBeNull();
    expect(quietHoursProblem({ ...f, quiet: true, end: "" })).toMatch(/start and an end/);
    expect(quietHoursProblem({ ...f, quiet: true, start: "24:00" })).toMatch(/start and an end/);
    expect(quietHoursProblem({ ...f, quiet: true, timeZone: "" })).toMatch(/time zone/);
  });
});

describe("what is said about the phone and the address", () => {
  it("says how to get a number, told apart in dev mode", () => {
    expect(phoneNotices(null, false)).toEqual([expect.objectContaining({ id: "no-phone", text: expect.stringMatching(/add one to your account/) })]);
    expect(phoneNotices(null, true)[0].text).toMatch(/sign in again with a phone number/);
  });

  it("says STOP and failures", () => {
    const phone = view().phone!;
    expect(phoneNotices(phone, true)).toEqual([]);
    expect(phoneNotices({ ...phone, stopped: true }, false).map((n) => n.text)).toEqual(["You replied STOP: texts are off until you reply START."]);
    expect(phoneNotices({ ...phone, failing: true }, false).map((n) => n.id)).toEqual(["failing"]);
  });

  it("warns of a bouncing address, and of none", () => {
    expect(emailNotices(view().email)).toEqual([]);
    expect(emailNotices({ address: "x@example.com", bouncing: true })[0]).toMatchObject({ id: "bouncing", tone: "error" });
    expect(emailNotices(null)[0].id).toBe("no-email");
  });
});
