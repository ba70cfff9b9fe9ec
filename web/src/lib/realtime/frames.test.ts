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
});
