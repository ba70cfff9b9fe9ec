// Files end to end: alice attaches an image and a PDF in a room and bob sees both live,
// opens the image in the lightbox and downloads the PDF (same bytes, same name); a file over
// the limit is refused in the composer before a byte is sent. Then avatars and a room logo
// (crop, upload, PATCH) and the notes library (share, find, download, delete).
import fs from "node:fs/promises";
import zlib from "node:zlib";
import { expect, test, type Locator, type Page, type Request } from "@playwright/test";
import { apiAs, checkA11y, messageByText, shot, signIn, twoUsers } from "./helpers";

const run = Math.random().toString(36).slice(2, 8);
const alice = { id: `user_e2e_falice_${run}`, name: `Alice ${run}` };
const bob = { id: `user_e2e_fbob_${run}`, name: `Bob ${run}` };
const roomName = `e2e-files-${run}`;

let a: Page;
let b: Page;
let roomId = "";

// ---- test files, made here --------------------------------------------------------------

function crc32(buf: Buffer): number {
  let crc = ~0;
  for (const byte of buf) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return ~crc >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** A real RGB PNG (a colour gradient) of the given size. */
function makePng(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  const raw = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    const row = y * (width * 3 + 1);
    raw[row] = 0; // filter: none
    for (let x = 0; x < width; x++) {
      raw[row + 1 + x * 3] = Math.round((x / width) * 255);
      raw[row + 2 + x * 3] = Math.round((y / height) * 255);
      raw[row + 3 + x * 3] = 160;
    }
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr),
    chunk("IDAT", zlib.deflateSync(raw)),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

/** A small valid one-page PDF saying `text`. */
function makePdf(text: string): Buffer {
  const objects = [
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 144] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
    "",
    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
  ];
  const stream = `BT /F1 18 Tf 24 64 Td (${text}) Tj ET`;
  objects[3] = `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`;
  let out = "%PDF-1.4\n";
  const offsets: number[] = [];
  objects.forEach((o, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const off of offsets) out += `${String(off).padStart(10, "0")} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, "latin1");
}

const png = makePng(96, 64);
const pdf = makePdf(`Parley e2e ${run}`);
const imageName = `diagram-${run}.png`;
const pdfName = `notes-${run}.pdf`;

// ---- page helpers -------------------------------------------------------------------------

async function waitLive(page: Page) {
  await expect(page.locator('[data-testid="connection-status"][data-status="open"]').first()).toBeAttached();
}

const uploadItem = (page: Page, name: string) => page.locator(`[data-testid="upload-item"][data-name="${name}"]`);

/** The image behind an <img> has been decoded (its natural width, once loaded). */
async function expectDecoded(img: Locator, width?: number) {
  await expect(img).toBeVisible();
  await expect.poll(() => img.evaluate((el: HTMLImageElement) => (el.complete ? el.naturalWidth : 0))).toBeGreaterThan(0);
  if (width !== undefined) await expect.poll(() => img.evaluate((el: HTMLImageElement) => el.naturalWidth)).toBe(width);
}

/** Counts the page's upload requests while `fn` runs. */
async function countUploads(page: Page, fn: () => Promise<void>): Promise<number> {
  let n = 0;
  const onRequest = (r: Request) => {
    if (r.method() === "POST" && new URL(r.url()).pathname === "/v1/files") n += 1;
  };
  page.on("request", onRequest);
  try {
    await fn();
  } finally {
    page.off("request", onRequest);
  }
  return n;
}

// ---- setup --------------------------------------------------------------------------------

twoUsers("files", (u) => ({ a, b } = u));

// ---- the scenarios ------------------------------------------------------------------------

test("attachments reach the other user live, download intact, and an oversized file is refused", async () => {
  await test.step("both sign in; alice makes a room, bob joins", async () => {
    await signIn(a, alice);
    await signIn(b, bob);
    const room = await apiAs<{ id: string }>(alice.id, "POST", "/v1/rooms", { name: roomName, kind: "public" });
    roomId = room.id;
    await apiAs(bob.id, "POST", `/v1/rooms/${roomId}/join`);
    await a.goto(`/rooms/${roomId}`);
    await b.goto(`/rooms/${roomId}`);
    await expect(a.getByTestId("composer-input")).toBeVisible();
    await expect(b.getByTestId("composer-input")).toBeVisible();
    await waitLive(a);
    await waitLive(b);
  });

  const caption = `two files for you ${run}`;
  await test.step("alice attaches an image and a PDF; both upload, then she sends", async () => {
    await a.getByTestId("composer-file-input").setInputFiles([
      { name: imageName, mimeType: "image/png", buffer: png },
      { name: pdfName, mimeType: "application/pdf", buffer: pdf },
    ]);
    await expect(uploadItem(a, imageName)).toHaveAttribute("data-status", "uploaded");
    await expect(uploadItem(a, pdfName)).toHaveAttribute("data-status", "uploaded");
    await a.getByTestId("composer-input").fill(caption);
    await expect(a.getByTestId("composer-send")).toBeEnabled();
    await a.getByTestId("composer-send").click();
    await expect(a.getByTestId("upload-tray")).toHaveCount(0);
    await expect(messageByText(a, caption).getByTestId("attachment-file")).toHaveAttribute("data-name", pdfName);
  });

  const inBob = messageByText(b, caption);
  await test.step("bob sees the image preview and the PDF card live", async () => {
    const preview = inBob.locator(`[data-testid="attachment-image"][data-name="${imageName}"]`);
    await expect(preview).toHaveAttribute("data-loaded", "true");
    await expectDecoded(preview.locator("img"));
    const card = inBob.locator(`[data-testid="attachment-file"][data-name="${pdfName}"]`);
    await expect(card).toBeVisible();
    await expect(card.getByTestId("attachment-name")).toHaveText(pdfName);
    await shot(b, "files-01-attachments");
  });

  await test.step("bob opens the image in the lightbox and closes it with Escape", async () => {
    await inBob.getByTestId("attachment-image").click();
    await expect(b.getByTestId("lightbox")).toBeVisible();
    await expectDecoded(b.getByTestId("lightbox-image"), 96);
    await shot(b, "files-02-lightbox");
    await b.keyboard.press("Escape");
    await expect(b.getByTestId("lightbox")).toHaveCount(0);
  });

  await test.step("bob downloads the PDF: same name, same bytes", async () => {
    const card = inBob.locator(`[data-testid="attachment-file"][data-name="${pdfName}"]`);
    const [download] = await Promise.all([b.waitForEvent("download"), card.getByTestId("attachment-download").click()]);
    expect(download.suggestedFilename()).toBe(pdfName);
    const bytes = await fs.readFile(await download.path());
    expect(bytes.equals(pdf)).toBe(true);
  });

  const draft = `a draft that must survive ${run}`;
  const bigName = `huge-${run}.pdf`;
  await test.step("a file over 10 MB is refused with a clear error, the text kept, nothing uploaded", async () => {
    const uploads = await countUploads(a, async () => {
      await a.getByTestId("composer-input").fill(draft);
      await a.getByTestId("composer-file-input").setInputFiles({
        name: bigName,
        mimeType: "application/pdf",
        buffer: Buffer.alloc(11 * 1024 * 1024, 0x41),
      });
      const item = uploadItem(a, bigName);
      await expect(item).toHaveAttribute("data-status", "failed");
      await expect(item.getByTestId("upload-error")).toHaveText(`${bigName} is larger than 10 MB`);
      await expect(a.getByTestId("composer-input")).toHaveValue(draft);
      await shot(a, "files-03-too-large");
    });
    expect(uploads, "upload requests for the oversized file").toBe(0);
  });

  await test.step("the refused file is dismissed and the text goes alone", async () => {
    await uploadItem(a, bigName).getByTestId("upload-remove").click();
    await expect(a.getByTestId("upload-tray")).toHaveCount(0);
    await a.getByTestId("composer-send").click();
    const got = messageByText(b, draft);
    await expect(got).toBeVisible();
    await expect(got.getByTestId("message-attachments")).toHaveCount(0);
  });
});

test("avatar and room logo: crop, upload, and shown to others", async () => {
  await test.step("alice uploads a cropped avatar on her profile", async () => {
    await a.goto("/profile");
    await expect(a.getByTestId("avatar-picker")).toHaveAttribute("data-has-avatar", "false");
    await a.getByTestId("avatar-file-input").setInputFiles({ name: "me.png", mimeType: "image/png", buffer: makePng(300, 200) });
    await expect(a.getByTestId("crop-dialog")).toBeVisible();
    await expect(a.getByTestId("crop-zoom")).toBeEnabled();
    await checkA11y(a, "files-crop-dialog");
    await a.getByTestId("crop-save").click();
    await expect(a.getByTestId("crop-dialog")).toBeHidden();
    const picker = a.getByTestId("avatar-picker");
    await expect(picker).toHaveAttribute("data-has-avatar", "true");
    // The server re-encodes it as a square PNG.
    const img = picker.getByTestId("avatar-image");
    await expectDecoded(img);
    await expect.poll(() => img.evaluate((el: HTMLImageElement) => el.naturalWidth === el.naturalHeight)).toBe(true);
    await shot(a, "files-04-avatar");
  });

  await test.step("alice sets the room's logo from the room header", async () => {
    await a.goto(`/rooms/${roomId}`);
    await a.getByTestId("room-logo-edit").click();
    await expect(a.getByTestId("room-logo-dialog")).toBeVisible();
    await a.getByTestId("room_logo-file-input").setInputFiles({ name: "logo.png", mimeType: "image/png", buffer: makePng(128, 128) });
    await a.getByTestId("crop-save").click();
    await expect(a.getByTestId("room-logo-dialog")).toBeHidden();
    await expectDecoded(a.locator("header").getByTestId("room-logo"));
  });

  await test.step("bob sees alice's avatar on her messages and the room's logo", async () => {
    await b.reload();
    await expect(b.getByTestId("composer-input")).toBeVisible();
    const msg = messageByText(b, `two files for you ${run}`);
    // Her message's author avatar (read markers, if any, come after it).
    await expectDecoded(msg.getByTestId("avatar-image").first());
    await expectDecoded(b.locator("header").getByTestId("room-logo"));
    await shot(b, "files-05-logo-and-avatar");
  });
});

test("notes: share, find, download and delete", async () => {
  const title = `Linear algebra ${run}`;
  await test.step("alice shares a PDF note in the room", async () => {
    await a.goto("/notes");
    await a.getByTestId("notes-new").click();
    await a.getByTestId("note-file").setInputFiles({ name: pdfName, mimeType: "application/pdf", buffer: pdf });
    await a.getByTestId("note-title").fill(title);
    await a.getByTestId("note-description").fill("Eigenvalues, summarised");
    // The room list comes from her conversations.
    await expect(a.getByTestId("note-room").locator(`option[value="${roomId}"]`)).toBeAttached();
    await a.getByTestId("note-room").selectOption(roomId);
    await checkA11y(a, "files-note-form");
    await a.getByTestId("note-submit").click();
    await expect(a).toHaveURL(/\/notes\/[0-9a-f-]{36}$/);
    await expect(a.getByTestId("note-heading")).toHaveText(title);
    await checkA11y(a, "files-note-page-author");
  });

  await test.step("bob finds it by searching and downloads it", async () => {
    await b.goto("/notes");
    await b.getByTestId("notes-search").fill(`algebra ${run}`);
    const item = b.locator(`[data-testid="note-item"][data-title="${title}"]`);
    await expect(item).toBeVisible();
    await shot(b, "files-06-notes");
    await item.click();
    await expect(b.getByTestId("note-heading")).toHaveText(title);
    const [download] = await Promise.all([b.waitForEvent("download"), b.getByTestId("note-download").click()]);
    expect(download.suggestedFilename()).toBe(pdfName);
    expect((await fs.readFile(await download.path())).equals(pdf)).toBe(true);
    await expect(b.getByTestId("note-downloads")).toContainText("1 download");
    await checkA11y(b, "files-note-page-reader");
    // Not the author: no delete.
    await expect(b.getByTestId("note-delete")).toHaveCount(0);
  });

  await test.step("alice deletes it and it leaves the library", async () => {
    await a.getByTestId("note-delete").click();
    await a.getByTestId("note-delete-confirm").click();
    await expect(a).toHaveURL(/\/notes$/);
    await a.getByTestId("notes-search").fill(`algebra ${run}`);
    await expect(a.getByTestId("empty-state")).toBeVisible();
    await expect(a.locator(`[data-testid="note-item"][data-title="${title}"]`)).toHaveCount(0);
  });
});
