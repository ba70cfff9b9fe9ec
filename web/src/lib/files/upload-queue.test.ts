import { describe, expect, it } from "vitest";
import {
  MAX_ATTACHMENTS,
  canSend,
  tooManyMessage,
  uploadPercent,
  uploadedIds,
  uploadsInFlight,
  uploadsReducer,
  type UploadAction,
  type UploadItem,
} from "./upload-queue";

const run = (actions: UploadAction[], start: UploadItem[] = []) => actions.reduce(uploadsReducer, start);
const add = (key: string, size = 100, error?: string): UploadAction => ({ type: "add", key, name: `${key}.bin`, size, fileType: "", error });

describe("uploadsReducer", () => {
  it("tracks an upload from added to uploaded", () => {
    let s = run([add("a")]);
    expect(s[0]).toMatchObject({ status: "uploading", loaded: 0 });
    expect(uploadsInFlight(s)).toBe(true);
    s = run([{ type: "progress", key: "a", loaded: 40 }], s);
    expect(uploadPercent(s[0])).toBe(40);
    // Progress never goes back, nor past the size.
    s = run([{ type: "progress", key: "a", loaded: 10 }, { type: "progress", key: "a", loaded: 500 }], s);
    expect(s[0].loaded).toBe(100);
    s = run([{ type: "uploaded", key: "a", fileId: "f1" }], s);
    expect(s[0]).toMatchObject({ status: "uploaded", fileId: "f1" });
    expect(uploadPercent(s[0])).toBe(100);
    expect(uploadsInFlight(s)).toBe(false);
    expect(uploadedIds(s)).toEqual(["f1"]);
  });

  it("keeps a refused file as failed with its reason", () => {
    const s = run([add("big", 20, "big.bin is larger than 10 MB")]);
    expect(s[0]).toMatchObject({ status: "failed", error: "big.bin is larger than 10 MB" });
    expect(uploadsInFlight(s)).toBe(false);
  });

  it("ignores news about removed or finished uploads", () => {
    let s = run([add("a"), { type: "remove", key: "a" }, { type: "uploaded", key: "a", fileId: "f" }]);
    expect(s).toEqual([]);
    s = run([add("b"), { type: "uploaded", key: "b", fileId: "f" }, { type: "failed", key: "b", error: "late" }]);
    expect(s[0].status).toBe("uploaded");
    expect(run([add("c"), add("c")]).length).toBe(1);
  });

  it("refuses more than the limit but still counts failures out", () => {
    const actions: UploadAction[] = [add("bad", 1, "nope")];
    for (let i = 0; i < MAX_ATTACHMENTS; i++) actions.push(add(`f${i}`));
    actions.push(add("extra"));
    const s = run(actions);
    expect(s.filter((i) => i.status === "uploading").length).toBe(MAX_ATTACHMENTS);
    expect(s[s.length - 1]).toMatchObject({ status: "failed", error: tooManyMessage("extra.bin") });
  });

  it("clears what was sent and keeps failures on send", () => {
    const s = run([add("a"), { type: "uploaded", key: "a", fileId: "f" }, add("b", 1, "bad"), { type: "sent" }]);
    expect(s.map((i) => i.key)).toEqual(["b"]);
  });
});

describe("canSend", () => {
  it("needs text or an uploaded file, and nothing in flight", () => {
    expect(canSend("", [])).toBe(false);
    expect(canSend("  hi ", [])).toBe(true);
    const uploading = run([add("a")]);
    expect(canSend("hi", uploading)).toBe(false);
    const done = run([{ type: "uploaded", key: "a", fileId: "f" }], uploading);
    expect(canSend("", done)).toBe(true);
    expect(canSend("", run([add("x", 1, "bad")]))).toBe(false);
  });

  it("treats a zero-byte item as 0%", () => {
    expect(uploadPercent(run([add("z", 0)])[0])).toBe(0);
  });
});
