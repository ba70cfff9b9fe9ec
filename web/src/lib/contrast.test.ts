import { describe, expect, it } from "vitest";
import { contrastRatio, parseHex, readableOn, textColorOn } from "./contrast";

describe("contrast", () => {
  it("parses #rgb and #rrggbb, nothing else", () => {
    expect(parseHex("#fff")).toEqual([255, 255, 255]);
    expect(parseHex("#4F46E5")).toEqual([79, 70, 229]);
    expect(parseHex("red")).toBeNull();
    expect(parseHex("#12345")).toBeNull();
  });

  it("computes WCAG ratios", () => {
    expect(contrastRatio("#000000", "#ffffff")).toBeCloseTo(21, 5);
    expect(contrastRatio("#ffffff", "#ffffff")).toBeCloseTo(1, 5);
    // Avatars before the palette was darkened (axe: 4.46 and 2.14, from rounded colours).
    expect(contrastRatio("#ffffff", "#6366f1")).toBeCloseTo(4.47, 2);
    expect(contrastRatio("#ffffff", "#f59e0b")).toBeCloseTo(2.15, 1);
  });

  it("puts white on dark colours and black on light ones, always at 4.5:1 or more", () => {
    expect(textColorOn("#4f46e5")).toBe("#ffffff");
    expect(textColorOn("#f59e0b")).toBe("#000000");
    expect(textColorOn("#ffffff")).toBe("#000000");
    for (let v = 0; v < 256; v += 5) {
      for (const c of [`#${v.toString(16).padStart(2, "0")}8040`, `#40${v.toString(16).padStart(2, "0")}c0`]) {
        expect(contrastRatio(textColorOn(c), c), c).toBeGreaterThanOrEqual(4.5);
      }
    }
  });
});

describe("readableOn", () => {
  it("keeps a colour that already reads", () => {
    expect(readableOn("#4f46e5", "#ffffff")).toBe("#4f46e5");
  });

  it("darkens on light backgrounds and lightens on dark ones until it reads", () => {
    const light = readableOn("#f59e0b", "#ffffff");
    expect(contrastRatio(light, "#ffffff")).toBeGreaterThanOrEqual(4.5);
    expect(contrastRatio(light, "#000000")).toBeLessThan(contrastRatio("#f59e0b", "#000000"));
    const dark = readableOn("#4f46e5", "#0b0f19", 6);
    expect(contrastRatio(dark, "#0b0f19")).toBeGreaterThanOrEqual(6);
  });

  it("leaves what it cannot read alone", () => {
    expect(readableOn("red", "#ffffff")).toBe("red");
  });
});
