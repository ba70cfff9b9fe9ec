import { describe, expect, it } from "vitest";
import type { AppNotification } from "./api/types";
import {
  describeNotification,
  flattenNotifications,
  groupByDay,
  markNotificationsRead,
  notificationHref,
  upsertNotification,
  type NotificationPages,
} from "./notifications";
import { base64UrlToBytes } from "./push";

const n = (id: string, seq: number, extra: Partial<AppNotification> = {}): AppNotification => ({
  id,
  seq,
  kind: "mention",
  room_id: "11111111-1111-1111-1111-111111111111",
  message_id: "22222222-2222-2222-2222-222222222222",
  room_seq: 7,
  actor_id: "u",
  count: 1,
  preview: "hi",
  room_name: "general",
  read: false,
  created_at: "2026-11-30T10:00:00Z",
  updated_at: "2026-11-30T10:00:00Z",
  ...extra,
});

const pages = (...lists: AppNotification[][]): NotificationPages => ({
  pages: lists.map((items) => ({ items, next_cursor: null })),
  pageParams: lists.map(() => null),
});

describe("notification cache", () => {
  it("adds a new notification on top and moves a coalesced one up", () => {
    const d = pages([n("b", 2), n("a", 1)], [n("z", 0)]);
    const added = upsertNotification(d, n("c", 3))!;
    expect(flattenNotifications(added).map((x) => x.id)).toEqual(["c", "b", "a", "z"]);
    const coalesced = upsertNotification(added, n("z", 4, { count: 3 }))!;
    expect(coalesced.pages[0].items.map((x) => x.id)).toEqual(["z", "c", "b", "a"]);
    expect(coalesced.pages[1].items).toEqual([]);
    expect(coalesced.pages[0].items[0].count).toBe(3);
  });

  it("ignores a replayed older copy and leaves no cache alone", () => {
    const d = pages([n("a", 5, { count: 2 })]);
    expect(upsertNotification(d, n("a", 3))).toBe(d);
    expect(upsertNotification(d, n("a", 5, { count: 2 }))).toBe(d);
    expect(upsertNotification(undefined, n("a", 1))).toBeUndefined();
  });

  it("marks some or all read", () => {
    const d = pages([n("b", 2), n("a", 1)]);
    const some = markNotificationsRead(d, ["a"])!;
    expect(some.pages[0].items.map((x) => x.read)).toEqual([false, true]);
    expect(markNotificationsRead(some, ["a"])).toBe(some);
    expect(markNotificationsRead(d, null)!.pages[0].items.every((x) => x.read)).toBe(true);
  });
});

describe("notification display", () => {
  it("groups Today and Earlier by local day", () => {
    const now = new Date("2026-11-30T12:00:00");
    const today = n("t", 2, { updated_at: new Date("2026-11-30T09:00:00").toISOString() });
    const before = n("e", 1, { updated_at: new Date("2026-11-28T09:00:00").toISOString() });
    expect(groupByDay([today, before], now).map((g) => [g.label, g.items.map((x) => x.id)])).toEqual([
      ["Today", ["t"]],
      ["Earlier", ["e"]],
    ]);
    expect(groupByDay([before], now).map((g) => g.label)).toEqual(["Earlier"]);
  });

  it("links to the message in its room", () => {
    expect(notificationHref(n("a", 1))).toBe("/rooms/11111111-1111-1111-1111-111111111111?seq=7#m-22222222-2222-2222-2222-222222222222");
    expect(notificationHref(n("a", 1, { room_seq: null, message_id: null }))).toBe("/rooms/11111111-1111-1111-1111-111111111111");
    expect(notificationHref(n("a", 1, { room_id: null }))).toBeNull();
  });

  it("leads a booking notification to its booking, not its room", () => {
    const subject = "33333333-3333-3333-3333-333333333333";
    for (const kind of ["booking_confirmed", "booking_changed", "booking_reminder"] as const) {
      expect(notificationHref(n("a", 1, { kind, subject_id: subject, message_id: null, room_seq: null }))).toBe(`/bookings/${subject}`);
      expect(describeNotification(kind, 1, null)).toMatch(/booking/);
    }
    // Without its subject it still leads somewhere: the pair's room.
    expect(notificationHref(n("a", 1, { kind: "booking_changed", subject_id: null, message_id: null, room_seq: null }))).toBe(
      "/rooms/11111111-1111-1111-1111-111111111111",
    );
  });

  it("says what happened, with the count when coalesced", () => {
    expect(describeNotification("mention", 1, "general")).toBe("mentioned you in general");
    expect(describeNotification("dm", 3, null)).toBe("sent you 3 messages");
    expect(describeNotification("room_invite", 1, "ops")).toBe("added you to ops");
  });
});

describe("base64UrlToBytes", () => {
  it("decodes unpadded base64url", () => {
    expect([...base64UrlToBytes("AQID_-8")]).toEqual([1, 2, 3, 255, 239]);
  });
});
