import { describe, expect, it } from "vitest";
import type { Availability, Booking } from "./api/types";
import {
  addDays,
  addMonths,
  availabilityFromDraft,
  bookingPagePath,
  canReschedule,
  dayKey,
  draftFromAvailability,
  formatDuration,
  lastBookableMonth,
  monthGrid,
  monthQueryRange,
  refundNotice,
  slotsByDay,
  slugify,
  timeZoneOptions,
  typeFormFrom,
  typeRequest,
  zoneOffset,
} from "./bookings";

describe("days in a zone", () => {
  it("puts an instant on the day it is where the visitor is", () => {
    // 2027-03-14T02:30Z: still the 13th in New York, the 14th in Tokyo.
    expect(dayKey("2027-03-14T02:30:00Z", "America/New_York")).toBe("2027-03-13");
    expect(dayKey("2027-03-14T02:30:00Z", "Asia/Tokyo")).toBe("2027-03-14");
    expect(dayKey("2027-03-14T02:30:00Z", "UTC")).toBe("2027-03-14");
  });

  it("groups slots by the visitor's day, earliest first", () => {
    const slots = [
      { start: "2027-01-02T01:00:00Z", end: "2027-01-02T01:30:00Z" },
      { start: "2027-01-01T23:00:00Z", end: "2027-01-01T23:30:00Z" },
      { start: "2027-01-02T16:00:00Z", end: "2027-01-02T16:30:00Z" },
    ];
    const ny = slotsByDay(slots, "America/New_York");
    expect([...ny.keys()]).toEqual(["2027-01-01", "2027-01-02"]);
    expect(ny.get("2027-01-01")!.map((s) => s.start)).toEqual(["2027-01-01T23:00:00Z", "2027-01-02T01:00:00Z"]);
    const tokyo = slotsByDay(slots, "Asia/Tokyo");
    expect([...tokyo.keys()]).toEqual(["2027-01-02", "2027-01-03"]);
  });

  it("names a zone's offset", () => {
    expect(zoneOffset("Asia/Kolkata", new Date("2027-01-01T00:00:00Z"))).toBe("GMT+5:30");
    expect(zoneOffset("UTC")).toMatch(/^GMT(\+0)?$/);
  });

  it("offers every zone, with the current one", () => {
    const zones = timeZoneOptions(["Europe/Paris"]);
    expect(zones).toContain("Europe/Paris");
    expect(zones).toContain("UTC");
    expect([...zones].sort((a, b) => a.localeCompare(b))).toEqual(zones);
  });
});

describe("the month calendar", () => {
  it("lays a month out in Monday-first weeks", () => {
    // March 2027 starts on a Monday and has 31 days.
    const march = monthGrid({ year: 2027, month: 3 });
    expect(march[0][0]).toBe("2027-03-01");
    expect(march.flat().filter(Boolean)).toHaveLength(31);
    expect(march.every((w) => w.length === 7)).toBe(true);
    // February 2027 starts on a Monday too; December 2026 on a Tuesday.
    expect(monthGrid({ year: 2026, month: 12 })[0]).toEqual([null, "2026-12-01", "2026-12-02", "2026-12-03", "2026-12-04", "2026-12-05", "2026-12-06"]);
  });

  it("moves by months and days across years", () => {
    expect(addMonths({ year: 2026, month: 12 }, 1)).toEqual({ year: 2027, month: 1 });
    expect(addMonths({ year: 2027, month: 1 }, -1)).toEqual({ year: 2026, month: 12 });
    expect(addDays("2026-12-31", 1)).toBe("2027-01-01");
    expect(addDays("2027-03-01", -7)).toBe("2027-02-22");
  });

  it("asks for a month with a day's margin, never the past, within 62 days", () => {
    const now = new Date("2027-03-10T12:00:00Z");
    const r = monthQueryRange({ year: 2027, month: 3 }, now)!;
    expect(r.from).toBe(now.toISOString());
    expect(r.to).toBe("2027-04-02T00:00:00.000Z");
    const next = monthQueryRange({ year: 2027, month: 4 }, now)!;
    expect(next.from).toBe("2027-03-31T00:00:00.000Z");
    expect((Date.parse(next.to) - Date.parse(next.from)) / 86_400_000).toBeLessThanOrEqual(62);
    expect(monthQueryRange({ year: 2027, month: 1 }, now)).toBeNull();
  });

  it("knows the last month with slots", () => {
    expect(lastBookableMonth(60, "UTC", new Date("2027-03-10T00:00:00Z"))).toEqual({ year: 2027, month: 5 });
  });
});

describe("refunds", () => {
  const host = "h";
  const client = "c";
  const b = (extra: Partial<Booking> = {}) => ({
    status: "confirmed" as const,
    price: { amount: 2500, currency: "usd" },
    start: "2027-03-10T12:00:00Z",
    host_id: host,
    refund_until_hours: 24,
    ...extra,
  });

  it("refunds in full when the host cancels", () => {
    expect(refundNotice(b(), host, new Date("2027-03-10T11:00:00Z"))).toEqual({ refund: "full", text: "The client gets a full refund of $25.00." });
  });

  it("refunds the client until the deadline, not after", () => {
    expect(refundNotice(b(), client, new Date("2027-03-09T11:00:00Z")).refund).toBe("full");
    expect(refundNotice(b(), client, new Date("2027-03-09T12:00:00Z")).refund).toBe("full");
    expect(refundNotice(b(), client, new Date("2027-03-09T12:00:01Z")).refund).toBe("none");
    expect(refundNotice(b({ refund_until_hours: null }), client, new Date("2027-01-01T00:00:00Z")).refund).toBe("none");
  });

  it("says nothing is paid for free and unpaid bookings", () => {
    expect(refundNotice(b({ price: null }), client).refund).toBe("unpaid");
    expect(refundNotice(b({ status: "held" }), client).refund).toBe("unpaid");
  });

  it("lets a pending or confirmed booking move before it starts", () => {
    const now = new Date("2027-03-10T00:00:00Z");
    expect(canReschedule({ status: "confirmed", start: "2027-03-10T12:00:00Z" }, now)).toBe(true);
    expect(canReschedule({ status: "held", start: "2027-03-10T12:00:00Z" }, now)).toBe(false);
    expect(canReschedule({ status: "confirmed", start: "2027-03-09T12:00:00Z" }, now)).toBe(false);
  });
});

describe("the host's schedule", () => {
  const a: Availability = {
    time_zone: "Europe/Paris",
    weekly: [
      { day: "mon", start: "13:00", end: "17:00" },
      { day: "mon", start: "09:00", end: "12:00" },
      { day: "fri", start: "10:00", end: "11:00" },
    ],
    overrides: [{ date: "2027-03-02", ranges: [] }],
  };

  it("round-trips what the API gives", () => {
    const d = draftFromAvailability(a);
    expect(d.weekly.mon).toEqual([
      { start: "09:00", end: "12:00" },
      { start: "13:00", end: "17:00" },
    ]);
    expect(d.weekly.tue).toEqual([]);
    const back = availabilityFromDraft(d);
    expect("ok" in back && back.ok.weekly).toHaveLength(3);
    expect("ok" in back && back.ok.overrides).toEqual([{ date: "2027-03-02", ranges: [] }]);
  });

  it("refuses a backwards range and a date given twice", () => {
    const d = draftFromAvailability(a);
    d.weekly.tue = [{ start: "10:00", end: "09:00" }];
    expect(availabilityFromDraft(d)).toEqual({ error: "Tuesday: 10:00–09:00: the end must be after the start, on the same day." });
    const e = draftFromAvailability(a);
    e.overrides.push({ date: "2027-03-02", ranges: [] });
    expect(availabilityFromDraft(e)).toEqual({ error: "The date 2027-03-02 is there twice." });
  });
});

describe("booking types", () => {
  it("makes a link name of a title", () => {
    expect(slugify("Intro call!")).toBe("intro-call");
    expect(slugify("  Café -- crème ")).toBe("cafe-creme");
    expect(bookingPagePath("u1", "intro-call")).toBe("/book/u1/intro-call");
  });

  it("turns the form into the request, nulls for what is left empty", () => {
    const f = { ...typeFormFrom(), title: "Intro", slug: "intro", length: "45" };
    expect(typeRequest(f)).toEqual({
      ok: {
        title: "Intro",
        slug: "intro",
        description: null,
        length_minutes: 45,
        price: null,
        buffer_before_minutes: 0,
        buffer_after_minutes: 0,
        minimum_notice_minutes: 0,
        window_days: 60,
        slot_interval_minutes: 45,
        max_per_day: null,
        requires_confirmation: false,
        refund_until_hours: null,
      },
    });
    const paid = typeRequest({ ...f, price: "25", refundHours: "24", maxPerDay: "3", interval: "15" });
    expect("ok" in paid && paid.ok).toMatchObject({ price: { amount: 2500, currency: "usd" }, refund_until_hours: 24, max_per_day: 3, slot_interval_minutes: 15 });
  });

  it("says what is wrong with the form", () => {
    const f = { ...typeFormFrom(), title: "Intro", slug: "intro" };
    expect(typeRequest({ ...f, slug: "Intro Call" })).toHaveProperty("error");
    expect(typeRequest({ ...f, length: "3" })).toEqual({ error: "The length must be 5 to 720." });
    expect(typeRequest({ ...f, price: "0.50" })).toHaveProperty("error");
  });

  it("fills the form from a type", () => {
    const f = typeFormFrom({
      id: "t",
      host_id: "h",
      title: "Deep dive",
      slug: "deep-dive",
      length_minutes: 60,
      price: { amount: 4000, currency: "eur" },
      buffer_before_minutes: 5,
      buffer_after_minutes: 10,
      minimum_notice_minutes: 120,
      window_days: 30,
      slot_interval_minutes: 60,
      max_per_day: null,
      requires_confirmation: true,
      refund_until_hours: 48,
    });
    expect(f).toMatchObject({ price: "40.00", currency: "eur", interval: "", maxPerDay: "", refundHours: "48", requiresConfirmation: true });
  });

  it("writes durations for people", () => {
    expect(formatDuration(30)).toBe("30 min");
    expect(formatDuration(60)).toBe("1 h");
    expect(formatDuration(90)).toBe("1 h 30 min");
  });
});
