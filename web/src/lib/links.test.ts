import { describe, expect, it } from "vitest";
import { ApiError } from "./api/client";
import {
  barHeights,
  busiestDay,
  clicksText,
  dayLabel,
  displayUrl,
  editRequest,
  EMPTY_LINK_FORM,
  expiryText,
  isExpired,
  linkName,
  linkProblem,
  linkRequest,
  localInputToIso,
  longUrlProblem,
  parseTags,
  periodClicks,
  statsSummary,
  tagsInput,
  toLocalInput,
} from "./links";

const days = (...clicks: number[]) => ({
  days: clicks.map((c, i) => ({ date: `2027-03-${String(i + 1).padStart(2, "0")}`, clicks: c })),
});

describe("tags typed as a list", () => {
  it("splits on commas, trims, lower-cases and keeps each once, in order", () => {
    expect(parseTags("Design, CS101 ,, slides, design")).toEqual({ ok: ["design", "cs101", "slides"] });
    expect(parseTags("  spring   sale , q1_2027, half-term ")).toEqual({ ok: ["spring sale", "q1_2027", "half-term"] });
  });

  it("has nothing to say about an empty input", () => {
    expect(parseTags("")).toEqual({ ok: [] });
    expect(parseTags(" , ,")).toEqual({ ok: [] });
  });

  it("takes letters of any script and digits", () => {
    expect(parseTags("Été, 東京, año2")).toEqual({ ok: ["été", "東京", "año2"] });
  });

  it("refuses what the API would", () => {
    expect(parseTags("ok, no!")).toMatchObject({ error: expect.stringMatching(/no!/) });
    expect(parseTags("-fine, bad.")).toMatchObject({ error: expect.stringMatching(/bad\./) });
    expect(parseTags("x".repeat(51))).toMatchObject({ error: expect.stringMatching(/at most 50/) });
    expect(parseTags("x".repeat(50))).toEqual({ ok: ["x".repeat(50)] });
    const eleven = Array.from({ length: 11 }, (_, i) => `t${i}`).join(",");
    expect(parseTags(eleven)).toMatchObject({ error: expect.stringMatching(/At most 10 tags/) });
    // Duplicates do not count twice towards the limit.
    expect(parseTags(`${Array.from({ length: 10 }, (_, i) => `t${i}`).join(",")},T0`)).toMatchObject({ ok: expect.any(Array) });
  });

  it("shows tags back the way they are typed", () => {
    expect(tagsInput(["a", "b c"])).toBe("a, b c");
    expect(parseTags(tagsInput(["a", "b c"]))).toEqual({ ok: ["a", "b c"] });
  });
});

describe("the shorten form", () => {
  const now = new Date("2027-03-01T12:00:00Z");
  const form = (f: Partial<typeof EMPTY_LINK_FORM>) => ({ ...EMPTY_LINK_FORM, ...f });

  it("sends only what was filled in", () => {
    expect(linkRequest(form({ longUrl: " https://example.com/a?b=c " }), now)).toEqual({ ok: { long_url: "https://example.com/a?b=c" } });
    expect(
      linkRequest(form({ longUrl: "https://example.com", title: " Spring sale ", tags: "Sale, 2027", customCode: "spring-27" }), now),
    ).toEqual({ ok: { long_url: "https://example.com", title: "Spring sale", tags: ["sale", "2027"], custom_code: "spring-27" } });
  });

  it("says what is wrong with the URL before asking", () => {
    expect(longUrlProblem("")).toMatch(/Enter the URL/);
    expect(longUrlProblem("example.com")).toMatch(/https:\/\//);
    expect(longUrlProblem("ftp://example.com/x")).toMatch(/http and https/);
    expect(longUrlProblem("javascript:alert(1)")).toMatch(/http and https/);
    expect(longUrlProblem(`https://example.com/${"a".repeat(2048)}`)).toMatch(/2048/);
    expect(longUrlProblem("http://localhost:3000/book")).toBeNull();
    expect(linkRequest(form({ longUrl: "nope" }), now)).toMatchObject({ field: "longUrl" });
  });

  it("checks a custom code's shape", () => {
    for (const bad of ["ab", "with space", "é-code", "x".repeat(65)]) {
      expect(linkRequest(form({ longUrl: "https://example.com", customCode: bad }), now), bad).toMatchObject({ field: "customCode" });
    }
    expect(linkRequest(form({ longUrl: "https://example.com", customCode: "A_b-9" }), now)).toMatchObject({ ok: { custom_code: "A_b-9" } });
  });

  it("points at the tags when one is wrong", () => {
    expect(linkRequest(form({ longUrl: "https://example.com", tags: "a, b?" }), now)).toMatchObject({ field: "tags", error: expect.stringMatching(/b\?/) });
  });

  it("reads the expiry in the browser's zone and wants it 5 minutes ahead", () => {
    const in10 = toLocalInput(new Date(now.getTime() + 10 * 60_000));
    const in3 = toLocalInput(new Date(now.getTime() + 3 * 60_000));
    const r = linkRequest(form({ longUrl: "https://example.com", expires: in10 }), now);
    expect(r).toEqual({ ok: { long_url: "https://example.com", expires_at: new Date(now.getTime() + 10 * 60_000).toISOString() } });
    expect(linkRequest(form({ longUrl: "https://example.com", expires: in3 }), now)).toMatchObject({ field: "expires", error: expect.stringMatching(/5 minutes/) });
    expect(linkRequest(form({ longUrl: "https://example.com", expires: "tomorrow" }), now)).toMatchObject({ field: "expires" });
  });

  it("turns datetime-local values into instants and back", () => {
    const d = new Date(2027, 2, 1, 9, 30);
    expect(toLocalInput(d)).toBe("2027-03-01T09:30");
    expect(localInputToIso("2027-03-01T09:30")).toBe(d.toISOString());
    expect(localInputToIso("")).toBeNull();
    expect(localInputToIso("2027-13-45T99:99")).toBeNull();
  });

  it("edits: an empty title removes it, the tags replace the old ones", () => {
    expect(editRequest({ title: "  ", tags: "" })).toEqual({ ok: { title: null, tags: [] } });
    expect(editRequest({ title: " New ", tags: "A, b" })).toEqual({ ok: { title: "New", tags: ["a", "b"] } });
    expect(editRequest({ title: "x".repeat(201), tags: "" })).toMatchObject({ field: "title" });
    expect(editRequest({ title: "", tags: "a;b" })).toMatchObject({ field: "tags" });
  });
});

describe("the API's refusals", () => {
  const invalid = (detail: string) => new ApiError(422, "invalid", "Unprocessable Entity", detail);

  it("shows the server's detail in words, next to its field", () => {
    expect(linkProblem(invalid("long_url must lead to a public address, not one inside a network"))).toEqual({
      message: "The URL must lead to a public address, not one inside a network.",
      field: "longUrl",
    });
    expect(linkProblem(invalid('custom_code "admin" is reserved'))).toEqual({ message: 'The custom code "admin" is reserved.', field: "customCode" });
    expect(linkProblem(invalid("expires_at must be at least 5 minutes from now"))).toEqual({
      message: "The expiry must be at least 5 minutes from now.",
      field: "expires",
    });
    expect(linkProblem(invalid('tag "a.b" must be letters, digits, -, _ and inner spaces'))).toMatchObject({ field: "tags" });
    expect(linkProblem(invalid("at most 10 tags"))).toEqual({ message: "At most 10 tags.", field: "tags" });
    expect(linkProblem(invalid("something else entirely"))).toEqual({ message: "Something else entirely.", field: null });
  });

  it("has a sentence for a taken code and the provider's limits", () => {
    expect(linkProblem(new ApiError(409, "code_taken", "Conflict", "that code is taken: pick another"))).toEqual({
      message: "That code is taken: pick another.",
      field: "customCode",
    });
    expect(linkProblem(new ApiError(503, "provider_rate_limited", "Service Unavailable", "retry later")).message).toMatch(/try again/);
    expect(linkProblem(new ApiError(503, "provider_plan_limit", "Service Unavailable", "the link provider's plan allows no more (monthly)")).message).toBe(
      "The link service allows no more links for now (the link provider's plan allows no more (monthly)).",
    );
  });

  it("falls back to the usual message", () => {
    expect(linkProblem(new ApiError(503, "unavailable", "Service Unavailable", "the link provider is unavailable, retry shortly"))).toEqual({
      message: "the link provider is unavailable, retry shortly",
      field: null,
    });
    expect(linkProblem(new Error("boom"))).toEqual({ message: "boom", field: null });
  });
});

describe("showing a link", () => {
  it("counts clicks in words", () => {
    expect(clicksText(0)).toBe("0 clicks");
    expect(clicksText(1)).toBe("1 click");
    expect(clicksText(1234)).toBe("1,234 clicks");
  });

  it("names a link by its title, else where it leads", () => {
    expect(linkName({ title: "Spring sale", long_url: "https://example.com/sale" })).toBe("Spring sale");
    expect(linkName({ title: null, long_url: "https://example.com/" })).toBe("example.com");
    expect(linkName({ title: " ", long_url: "http://example.com/a/?q=1" })).toBe("example.com/a/?q=1");
    expect(displayUrl("https://example.com/a/")).toBe("example.com/a/");
  });

  it("says when a link expires, or expired", () => {
    const now = new Date("2027-03-01T12:00:00Z");
    expect(expiryText({ expires_at: null }, now)).toBeNull();
    expect(expiryText({ expires_at: "2027-03-02T09:30:00Z" }, now, "UTC")).toBe("Expires Mar 2, 2027, 9:30 AM");
    expect(expiryText({ expires_at: "2027-02-28T09:30:00Z" }, now, "UTC")).toBe("Expired Feb 28, 2027, 9:30 AM");
    expect(isExpired({ expires_at: "2027-03-01T12:00:00Z" }, now)).toBe(true);
    expect(isExpired({ expires_at: undefined }, now)).toBe(false);
  });
});

describe("the clicks chart", () => {
  it("sums the period and says it in a sentence", () => {
    expect(periodClicks(days(0, 3, 0, 9))).toBe(12);
    expect(statsSummary(days(...Array(29).fill(0), 12))).toBe("12 clicks in the last 30 days");
    expect(statsSummary(days(...Array(30).fill(0)))).toBe("No clicks in the last 30 days");
    expect(statsSummary(days(1, 0, 0, 0, 0, 0, 0))).toBe("1 click in the last 7 days");
    expect(statsSummary(days(2), 1)).toBe("2 clicks today");
    expect(statsSummary({ days: [] })).toBe("No clicks in the last 30 days");
  });

  it("finds the busiest day", () => {
    expect(busiestDay(days(0, 4, 1, 4))).toEqual({ date: "2027-03-04", clicks: 4 });
    expect(busiestDay(days(0, 0))).toBeNull();
  });

  it("labels UTC days", () => {
    expect(dayLabel("2027-03-03")).toBe("Mar 3");
    expect(dayLabel("2027-12-31")).toBe("Dec 31");
  });

  it("scales bars to the tallest, keeping a single click visible", () => {
    expect(barHeights([0, 5, 10], 40)).toEqual([0, 20, 40]);
    expect(barHeights([1, 400], 40)).toEqual([1, 40]);
    expect(barHeights([1, 400], 40, 2)).toEqual([2, 40]);
    expect(barHeights([0, 0, 0], 40)).toEqual([0, 0, 0]);
    expect(barHeights([], 40)).toEqual([]);
    expect(barHeights([3, 3], 40)).toEqual([40, 40]);
    expect(barHeights([7], 0)).toEqual([0]);
  });
});
