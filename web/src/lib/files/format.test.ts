import { describe, expect, it } from "vitest";
import { ApiError } from "../api/client";
import { fileKind, formatBytes, isPreviewableImage, maxBytesFor, precheckUpload, uploadErrorMessage } from "./format";

const MiB = 1024 * 1024;

describe("formatBytes", () => {
  it("uses bytes below a kilobyte", () => {
    expect(formatBytes(0)).toBe("0 B");
    expect(formatBytes(999)).toBe("999 B");
    expect(formatBytes(1023)).toBe("1023 B");
  });

  it("keeps one decimal below 10 and none above", () => {
    expect(formatBytes(1024)).toBe("1 KB");
    expect(formatBytes(1536)).toBe("1.5 KB");
    expect(formatBytes(15 * 1024 + 300)).toBe("15 KB");
    expect(formatBytes(10 * MiB)).toBe("10 MB");
    expect(formatBytes(4 * MiB)).toBe("4 MB");
    expect(formatBytes(2.25 * 1024 * MiB)).toBe("2.3 GB");
  });

  it("rounds up into the next unit instead of showing 1024", () => {
    expect(formatBytes(MiB - 10)).toBe("1 MB");
  });

  it("is empty for nonsense", () => {
    expect(formatBytes(-1)).toBe("");
    expect(formatBytes(Number.NaN)).toBe("");
  });
});

describe("fileKind", () => {
  it("reads the content type first", () => {
    expect(fileKind("image/png", "x.pdf")).toBe("image");
    expect(fileKind("application/pdf", "scan")).toBe("pdf");
    expect(fileKind("text/plain; charset=utf-8")).toBe("text");
    expect(fileKind("application/zip")).toBe("archive");
    expect(fileKind("application/vnd.openxmlformats-officedocument.wordprocessingml.document")).toBe("document");
    expect(fileKind("video/mp4")).toBe("video");
    expect(fileKind("audio/ogg")).toBe("audio");
    expect(fileKind("application/octet-stream", "a.pdf")).toBe("other");
  });

  it("falls back to the name's extension without a type", () => {
    expect(fileKind("", "Notes.PDF")).toBe("pdf");
    expect(fileKind(null, "a.docx")).toBe("document");
    expect(fileKind(undefined, "a")).toBe("other");
  });
});

describe("isPreviewableImage", () => {
  it("previews raster images but not SVG", () => {
    expect(isPreviewableImage("image/jpeg")).toBe(true);
    expect(isPreviewableImage("image/svg+xml")).toBe(false);
    expect(isPreviewableImage("application/pdf")).toBe(false);
  });
});

describe("precheckUpload", () => {
  it("refuses what the server would refuse for its size", () => {
    expect(precheckUpload({ name: "a.pdf", size: 10 * MiB, type: "application/pdf" }, "attachment")).toBeNull();
    expect(precheckUpload({ name: "a.pdf", size: 10 * MiB + 1, type: "application/pdf" }, "attachment")).toBe(
      "a.pdf is larger than 10 MB",
    );
    expect(precheckUpload({ name: "big.png", size: 5 * MiB, type: "image/png" }, "avatar")).toBe("big.png is larger than 4 MB");
    expect(maxBytesFor("note")).toBe(10 * MiB);
    expect(precheckUpload({ name: "e.txt", size: 0, type: "text/plain" }, "note")).toBe("e.txt is empty");
  });

  it("takes only raster images for avatars and logos", () => {
    expect(precheckUpload({ name: "a.svg", size: 10, type: "image/svg+xml" }, "room_logo")).toMatch(/not a PNG/);
    expect(precheckUpload({ name: "a.webp", size: 10, type: "image/webp" }, "avatar")).toBeNull();
    // An unknown browser type is left to the server.
    expect(precheckUpload({ name: "a", size: 10, type: "" }, "avatar")).toBeNull();
  });
});

describe("uploadErrorMessage", () => {
  const err = (status: number, code?: string, detail?: string) => new ApiError(status, code, "Title", detail);

  it("names the file and the limit for a 413", () => {
    expect(uploadErrorMessage("file.pdf", err(413, "too_large", "over 10485760 bytes"))).toBe("file.pdf is larger than 10 MB");
    expect(uploadErrorMessage("me.png", err(413, "too_large"), "avatar")).toBe("me.png is larger than 4 MB");
    expect(uploadErrorMessage("file.pdf", err(413, "quota_exceeded"))).toBe("file.pdf does not fit in your storage quota");
  });

  it("explains types, scans, rate limits and outages", () => {
    expect(uploadErrorMessage("a.exe", err(415, "unsupported_media_type"))).toBe("a.exe: files of this type cannot be uploaded");
    expect(uploadErrorMessage("a.bmp", err(415), "avatar")).toBe("a.bmp is not a PNG, JPEG, WebP or GIF image");
    expect(uploadErrorMessage("x.zip", err(422, "infected"))).toBe("x.zip was rejected by the virus scanner");
    expect(uploadErrorMessage("x", err(429, "rate_limited"))).toMatch(/Too many uploads/);
    expect(uploadErrorMessage("x", err(503, "unavailable"))).toBe("x could not be stored right now; try again");
  });

  it("shows the server's own words otherwise", () => {
    expect(uploadErrorMessage("huge.png", err(422, "validation_failed", "image is over 40 megapixels"))).toBe(
      "huge.png: image is over 40 megapixels",
    );
    expect(uploadErrorMessage("a", new Error("boom"))).toBe("a could not be uploaded: boom");
  });
});
