import { describe, expect, it } from "vitest";
import { isRoomEventKind, parseServerFrame, toRoomEvent } from "./frames";

describe("parseServerFrame", () => {
  it("parses known frames", () => {
    expect(parseServerFrame('{"type":"hello","user_id":"u","heartbeat_s":20}')).toMatchObject({ type: "hello" });
    expect(parseServerFrame('{"type":"event","room_id":"r","seq":3,"event":"message.created","data":{}}')).toMatchObject({ seq: 3 });
    expect(parseServerFrame('{"type":"presence","room_id":"r","online":["a"]}')).toMatchObject({ online: ["a"] });
  });

  it("rejects malformed frames", () => {
    expect(parseServerFrame("not json")).toBeNull();
    expect(parseServerFrame("42")).toBeNull();
    expect(parseServerFrame('{"type":"event","room_id":"r","seq":"3","event":"x"}')).toBeNull();
    expect(parseServerFrame('{"type":"mystery"}')).toBeNull();
    expect(parseServerFrame('{"type":"error"}')).toBeNull();
  });
});

describe("toRoomEvent", () => {
  it("types known kinds and narrows data on event", () => {
    const ev = toRoomEvent({ room_id: "r", seq: 1, event: "reaction.added", data: { message_id: "m", emoji: "👍", user_id: "u", count: 2 } });
    expect(ev).not.toBeNull();
    if (ev?.event === "reaction.added") expect(ev.data.count).toBe(2);
    else throw new Error("expected a reaction.added event");
  });

  it("leaves unknown kinds and non-object payloads out", () => {
    expect(toRoomEvent({ room_id: "r", seq: 1, event: "poll.created", data: {} })).toBeNull();
    expect(toRoomEvent({ room_id: "r", seq: 1, event: "message.created", data: null })).toBeNull();
    expect(isRoomEventKind("toString")).toBe(false);
    expect(isRoomEventKind("member.left")).toBe(true);
  });

  it("knows the session events", () => {
    for (const k of ["session.scheduled", "session.updated", "session.deleted", "session.started", "session.ended", "session.participant_joined", "session.participant_left", "session.note_created", "session.note_updated", "session.note_deleted"])
      expect(isRoomEventKind(k), k).toBe(true);
    const ev = toRoomEvent({ room_id: "r", seq: 2, event: "session.participant_joined", data: { session_id: "s", user_id: "u", at: "2030-01-01T00:00:00Z" } });
    if (ev?.event === "session.participant_joined") expect(ev.data.user_id).toBe("u");
    else throw new Error("expected a session.participant_joined event");
  });
});
