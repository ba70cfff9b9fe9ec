import { describe, expect, it } from "vitest";
import { collectMentions, findMentionQuery, hasMention, matchMembers } from "./mentions";

const members = [
  { id: "1", name: "Ann Lee" },
  { id: "2", name: "Ann" },
  { id: "3", name: "Bob Stone" },
  { id: "4", name: "Zed Annex" },
];

describe("findMentionQuery", () => {
  it("finds the @query before the caret", () => {
    expect(findMentionQuery("hi @bo", 6)).toEqual({ start: 3, query: "bo" });
    expect(findMentionQuery("@", 1)).toEqual({ start: 0, query: "" });
    expect(findMentionQuery("hi @Bob St", 10)).toEqual({ start: 3, query: "Bob St" });
  });

  it("ignores e-mail addresses, other lines and finished words", () => {
    expect(findMentionQuery("mail a@b", 8)).toBeNull();
    expect(findMentionQuery("@bob\nhi", 7)).toBeNull();
    expect(findMentionQuery("@ bob", 5)).toBeNull();
    expect(findMentionQuery("no at sign", 10)).toBeNull();
  });
});

describe("matchMembers", () => {
  it("prefers name prefixes, then word prefixes, then substrings", () => {
    expect(matchMembers(members, "ann").map((m) => m.id)).toEqual(["2", "1", "4"]);
    expect(matchMembers(members, "st").map((m) => m.id)).toEqual(["3"]);
    expect(matchMembers(members, "").length).toBe(4);
    expect(matchMembers(members, "", 2).length).toBe(2);
  });
});

describe("hasMention / collectMentions", () => {
  it("matches whole mentions only", () => {
    expect(hasMention("hey @ann!", "Ann")).toBe(true);
    expect(hasMention("hey @annie", "Ann")).toBe(false);
    expect(hasMention("a@ann", "Ann")).toBe(false);
  });

  it("collects picked and typed members still in the text", () => {
    const picked = new Map([["3", "Bob Stone"]]);
    expect(collectMentions("hi @Bob Stone and @Ann Lee", picked, members, false)).toEqual({ user_ids: ["3", "1"] });
    expect(collectMentions("hi @Ann", new Map(), members, false)).toEqual({ user_ids: ["2"] });
    // A picked mention erased from the text is not sent.
    expect(collectMentions("hi there", picked, members, false)).toBeUndefined();
  });

  it("adds @room only when allowed", () => {
    expect(collectMentions("@room look", new Map(), members, true)).toEqual({ user_ids: [], room: true });
    expect(collectMentions("@room look", new Map(), members, false)).toBeUndefined();
  });

  it("sends at most 50 users", () => {
    const many = Array.from({ length: 60 }, (_, i) => ({ id: `u${i}`, name: `user${i}` }));
    const text = many.map((m) => `@${m.name}`).join(" ");
    expect(collectMentions(text, new Map(), many, false)?.user_ids).toHaveLength(50);
  });
});
