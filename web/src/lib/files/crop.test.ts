import { describe, expect, it } from "vitest";
import { MAX_ZOOM, clampZoom, cropRect, outputSide, panBy } from "./crop";

describe("cropRect", () => {
  it("takes the largest centred square at zoom 1", () => {
    expect(cropRect({ width: 800, height: 600 }, 1)).toEqual({ sx: 100, sy: 0, side: 600 });
    expect(cropRect({ width: 300, height: 900 }, 1)).toEqual({ sx: 0, sy: 300, side: 300 });
    expect(cropRect({ width: 256, height: 256 }, 1)).toEqual({ sx: 0, sy: 0, side: 256 });
  });

  it("narrows around the centre when zoomed", () => {
    expect(cropRect({ width: 800, height: 600 }, 2)).toEqual({ sx: 250, sy: 150, side: 300 });
  });

  it("moves to the edges with the pan and never leaves the image", () => {
    expect(cropRect({ width: 800, height: 600 }, 1, { x: -1, y: 0 })).toEqual({ sx: 0, sy: 0, side: 600 });
    expect(cropRect({ width: 800, height: 600 }, 1, { x: 1, y: 1 })).toEqual({ sx: 200, sy: 0, side: 600 });
    expect(cropRect({ width: 800, height: 600 }, 2, { x: 5, y: -5 })).toEqual({ sx: 500, sy: 0, side: 300 });
  });

  it("clamps the zoom and survives an empty image", () => {
    expect(clampZoom(0.2)).toBe(1);
    expect(clampZoom(99)).toBe(MAX_ZOOM);
    expect(clampZoom(Number.NaN)).toBe(1);
    expect(cropRect({ width: 0, height: 10 }, 1)).toEqual({ sx: 0, sy: 0, side: 0 });
  });
});

describe("panBy", () => {
  const img = { width: 800, height: 600 };

  it("moves the window against the drag, in source pixels", () => {
    // Side 600 shown in 300 px: a 50 px drag to the left is 100 source px to the right of 100 slack.
    expect(panBy({ x: 0, y: 0 }, -50, 0, 300, img, 1)).toEqual({ x: 1, y: 0 });
    expect(panBy({ x: 0, y: 0 }, 25, 0, 300, img, 1)).toEqual({ x: -0.5, y: 0 });
  });

  it("stays put along an axis with no slack and clamps at the edges", () => {
    expect(panBy({ x: 0, y: 0 }, 0, 80, 300, img, 1)).toEqual({ x: 0, y: 0 });
    expect(panBy({ x: 0.9, y: 0 }, -300, 0, 300, img, 1).x).toBe(1);
  });
});

describe("outputSide", () => {
  it("never upscales, and caps at 512", () => {
    expect(outputSide({ sx: 0, sy: 0, side: 300.4 })).toBe(300);
    expect(outputSide({ sx: 0, sy: 0, side: 3000 })).toBe(512);
    expect(outputSide({ sx: 0, sy: 0, side: 0 })).toBe(1);
  });
});
