import { describe, expect, it } from "vitest";
import type { Session, SessionNote } from "./api/types";
import {
  applyAttendance,
  canRunSession,
  currentSessions,
  exportFileName,
  flattenSessions,
  formatClock,
  formatDuration,
  groupNotes,
  intervalSeconds,
  localInputToIso,
  presentParticipants,
  removeNote,
  upsertNote,
  upsertSession,
  type SessionPages,
} from "./sessions";

const session = (id: string, status: Session["status"], scheduled_at?: string): Session => ({
  id,
  room_id: "r",
  host_id: "h",
  title: `S ${id}`,
  status,
  scheduled_at: scheduled_at ?? null,
});

const note = (id: string, created_at: string, extra: Partial<SessionNote> = {}): SessionNote => ({
  id,
  session_id: "s",
  author_id: "a",
  kind: "note",
  body: id,
  visibility: "shared",
  done: false,
  created_at,
  ...extra,
});

describe("durations", () => {
  it("reads like people say it", () => {
    expect(formatDuration(0)).toBe("0 s");
    expect(formatDuration(45.4)).toBe("45 s");
    expect(formatDuration(60)).toBe("1 min");
    expect(formatDuration(12 * 60 + 59)).toBe("12 min");
    expect(formatDuration(3600)).toBe("1 h");
    expect(formatDuration(3900)).toBe("1 h 5 min");
    expect(formatDuration(-5)).toBe("0 s");
  });

  it("runs a clock", () => {
    expect(formatClock(0)).toBe("00:00");
    expect(formatClock(247_000)).toBe("04:07");
    expect(formatClock(3_723_000)).toBe("1:02:03");
    expect(formatClock(-1000)).toBe("00:00");
  });

  it("measures intervals, an open one up to now", () => {
    expect(intervalSeconds("2030-01-01T10:00:00Z", "2030-01-01T10:05:00Z")).toBe(300);
    expect(intervalSeconds("2030-01-01T10:00:00Z", null, Date.parse("2030-01-01T10:00:30Z"))).toBe(30);
  });
});

describe("attendance", () => {
  it("takes who has an open interval", () => {
    const p = (user_id: string, left: (string | null)[]) => ({
      user_id,
      display_name: user_id,
      total_seconds: 0,
      intervals: left.map((left_at) => ({ joined_at: "2030-01-01T10:00:00Z", left_at })),
    });
    expect(presentParticipants([p("a", ["2030-01-01T10:01:00Z", null]), p("b", ["2030-01-01T10:01:00Z"])])).toEqual(["a"]);
  });

  it("applies joins and leaves idempotently", () => {
    const one = applyAttendance([], "a", true);
    expect(one).toEqual(["a"]);
    expect(applyAttendance(one, "a", true)).toBe(one);
    expect(applyAttendance(one, "a", false)).toEqual([]);
    expect(applyAttendance(one, "b", false)).toBe(one);
  });
});

describe("currentSessions", () => {
  it("finds the live one and the earliest scheduled one", () => {
    const list = [session("1", "scheduled"), session("2", "scheduled", "2030-02-01T00:00:00Z"), session("3", "scheduled", "2030-01-01T00:00:00Z"), session("4", "ended")];
    expect(currentSessions(list)).toEqual({ live: null, next: list[2] });
    expect(currentSessions([...list, session("5", "live")]).live?.id).toBe("5");
    expect(currentSessions([session("1", "scheduled")]).next?.id).toBe("1");
    expect(currentSessions([])).toEqual({ live: null, next: null });
  });

  it("lets the host and the room's managers run it", () => {
    expect(canRunSession({ host_id: "h" }, "h", false)).toBe(true);
    expect(canRunSession({ host_id: "h" }, "x", true)).toBe(true);
    expect(canRunSession({ host_id: "h" }, "x", false)).toBe(false);
    expect(canRunSession({ host_id: "h" }, undefined, false)).toBe(false);
  });
});

describe("session list cache", () => {
  it("replaces a known session and puts a new one first", () => {
    const data: SessionPages = { pages: [{ items: [session("1", "scheduled")] }, { items: [session("2", "ended")] }], pageParams: [null, "c"] };
    const started = upsertSession(data, { ...session("1", "live"), started_at: "2030-01-01T00:00:00Z" })!;
    expect(flattenSessions(started).map((s) => s.status)).toEqual(["live", "ended"]);
    const added = upsertSession(data, session("9", "live"))!;
    expect(flattenSessions(added).map((s) => s.id)).toEqual(["9", "1", "2"]);
    expect(upsertSession(undefined, session("1", "live"))).toBeUndefined();
  });
});

describe("notes cache", () => {
  it("inserts in time order, replaces, never goes back to an older edit", () => {
    const a = note("a", "2030-01-01T10:00:00Z");
    const c = note("c", "2030-01-01T10:02:00Z");
    const list = upsertNote([a, c], note("b", "2030-01-01T10:01:00Z"))!;
    expect(list.map((n) => n.id)).toEqual(["a", "b", "c"]);
    const edited = upsertNote(list, { ...a, body: "new", edited_at: "2030-01-01T10:05:00Z" })!;
    expect(edited[0].body).toBe("new");
    expect(upsertNote(edited, a)).toBe(edited);
    expect(upsertNote(undefined, a)).toBeUndefined();
  });

  it("removes by id", () => {
    const list = [note("a", "2030-01-01T10:00:00Z")];
    expect(removeNote(list, "a")).toEqual([]);
    expect(removeNote(list, "x")).toBe(list);
  });

  it("groups by kind in a fixed order", () => {
    const groups = groupNotes([
      note("h", "1", { kind: "highlight" }),
      note("a1", "2", { kind: "action_item" }),
      note("n", "3"),
      note("a2", "4", { kind: "action_item" }),
    ]);
    expect(groups.map((g) => [g.kind, g.notes.map((n) => n.id)])).toEqual([
      ["note", ["n"]],
      ["action_item", ["a1", "a2"]],
      ["highlight", ["h"]],
    ]);
  });
});

describe("inputs and files", () => {
  it("turns a datetime-local value into an instant", () => {
    expect(localInputToIso("")).toBeNull();
    expect(localInputToIso("nonsense")).toBeNull();
    expect(localInputToIso("2030-01-01T10:00")).toBe(new Date("2030-01-01T10:00").toISOString());
  });

  it("names the export after the title", () => {
    expect(exportFileName("Weekly sync: Café plans!")).toBe("weekly-sync-cafe-plans.md");
    expect(exportFileName("???")).toBe("session.md");
  });
});
