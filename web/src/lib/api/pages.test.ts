import { describe, expect, it, vi } from "vitest";
import { fetchAllPages, type CursorPage } from "./pages";

/** A fake list endpoint over `all`, `size` items a page, cursors "c<offset>". */
function endpoint<T>(all: T[], size: number) {
  return vi.fn(async (cursor: string | null): Promise<CursorPage<T>> => {
    const from = cursor ? Number(cursor.slice(1)) : 0;
    const items = all.slice(from, from + size);
    return { items, next_cursor: from + size < all.length ? `c${from + size}` : null };
  });
}

describe("fetchAllPages", () => {
  it("returns a single page as it is", async () => {
    const fetch = endpoint([1, 2], 5);
    expect(await fetchAllPages(fetch)).toEqual([1, 2]);
    expect(fetch).toHaveBeenCalledTimes(1);
    expect(fetch).toHaveBeenCalledWith(null);
  });

  it("follows next_cursor until it is null, keeping the order", async () => {
    const all = Array.from({ length: 7 }, (_, i) => i);
    const fetch = endpoint(all, 3);
    expect(await fetchAllPages(fetch)).toEqual(all);
    expect(fetch.mock.calls.map((c) => c[0])).toEqual([null, "c3", "c6"]);
  });

  it("treats an absent next_cursor as the last page", async () => {
    expect(await fetchAllPages(async () => ({ items: ["a"] }))).toEqual(["a"]);
  });

  it("handles an empty list", async () => {
    expect(await fetchAllPages(endpoint([], 50))).toEqual([]);
  });

  it("stops with an error on a repeated cursor instead of looping", async () => {
    await expect(fetchAllPages(async () => ({ items: [1], next_cursor: "same" }))).rejects.toThrow(/repeated/);
  });

  it("stops after maxPages", async () => {
    let n = 0;
    await expect(fetchAllPages(async () => ({ items: [n], next_cursor: `c${++n}` }), 3)).rejects.toThrow(/more than 3 pages/);
    expect(n).toBe(3);
  });

  it("passes a failed page's error on", async () => {
    const fetch = vi.fn(async (cursor: string | null) => {
      if (cursor) throw new Error("boom");
      return { items: [1], next_cursor: "c1" };
    });
    await expect(fetchAllPages(fetch)).rejects.toThrow("boom");
  });
});
