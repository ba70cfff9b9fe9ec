// Live sessions end to end: a host (alice's browser) makes a room and adds a guest (bob's),
// schedules a session from the room's session bar and starts it; with the room open in both
// browsers both attend (the bar shows who is here); they chat and take notes side by side (a
// shared action item reaches the other panel live, a private note never does); the host ends
// the session; the record page shows both participants with their attendance, the notes by
// kind and the transcript, and Download Markdown saves a file with the title and the
// messages. Every page visited is checked with axe, light and dark.
import fs from "node:fs/promises";
import { expect, test, type Locator, type Page } from "@playwright/test";
import { apiAs, checkA11y, messageByText, shot, signIn, twoUsers, withDark } from "./helpers";

const run = Math.random().toString(36).slice(2, 8);
const host = { id: `user_e2e_shost_${run}`, name: `Sam ${run}` };
const guest = { id: `user_e2e_sguest_${run}`, name: `Gia ${run}` };
const roomName = `e2e-sessions-${run}`;
const title = `Weekly sync ${run}`;
const hostLine = `Agenda first, ${run}`;
const guestLine = `Sounds good, ${run}`;
const actionItem = `Send the slides ${run}`;
const privateNote = `Ask about budget ${run}`;
const highlight = `Launch moved to May ${run}`;

let a: Page;
let b: Page;
let roomId = "";
let sessionId = "";
let hostUuid = "";
let guestUuid = "";

twoUsers("sessions", (u) => ({ a, b } = u));

async function send(page: Page, text: string) {
  await page.getByTestId("composer-input").fill(text);
  await page.getByTestId("composer-input").press("Enter");
}

function noteByText(page: Page, text: string): Locator {
  return page.getByTestId("session-notes-panel").getByTestId("session-note").filter({ hasText: text });
}

async function addNote(page: Page, kind: string, body: string, priv = false) {
  const form = page.getByTestId("session-note-form");
  await form.getByTestId("session-note-kind").selectOption(kind);
  await form.getByTestId("session-note-private").setChecked(priv);
  await form.getByTestId("session-note-body").fill(body);
  await form.getByTestId("session-note-body").press("Enter");
  await expect(noteByText(page, body)).toBeVisible();
  await expect(form.getByTestId("session-note-body")).toHaveValue("");
}

/** `YYYY-MM-DDTHH:mm` for tomorrow at 10:00, as a datetime-local input takes it. */
function tomorrowAtTen(): string {
  const d = new Date(Date.now() + 86_400_000);
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T10:00`;
}

test("a host runs a live session: attendance, chat, live notes, then the record and its Markdown", async () => {
  await test.step("both sign in; the host makes a room and adds the guest", async () => {
    await signIn(a, host);
    await signIn(b, guest);
    hostUuid = (await apiAs<{ id: string }>(host.id, "GET", "/v1/me")).id;
    guestUuid = (await apiAs<{ id: string }>(guest.id, "GET", "/v1/me")).id;
    await a.goto("/rooms");
    await a.getByTestId("create-room-open").click();
    await a.getByTestId("create-room-name").fill(roomName);
    await a.getByTestId("create-room-submit").click();
    await expect(a).toHaveURL(/\/rooms\/[0-9a-f-]{36}$/);
    roomId = a.url().split("/").pop()!;
    await a.getByTestId("toggle-members").click();
    await a.getByTestId("invite-search").fill(guest.name);
    await a.getByTestId("invite-user").click();
    await expect(a.locator(`[data-testid="member-item"][data-user-id="${guestUuid}"]`)).toBeVisible();
    await a.getByTestId("toggle-members").click();
    // An owner sees New session when nothing is planned.
    await expect(a.getByTestId("session-bar")).toHaveAttribute("data-status", "none");
    await b.goto(`/rooms/${roomId}`);
    await expect(b.getByTestId("composer-input")).toBeVisible();
    // A member who may not run sessions sees no bar while there is none.
    await expect(b.getByTestId("session-bar")).toHaveCount(0);
  });

  await test.step("the host schedules a session, then starts it; both bars go live", async () => {
    await a.getByTestId("session-new").click();
    const dialog = a.getByTestId("new-session-dialog");
    await dialog.getByTestId("new-session-title").fill(title);
    await dialog.getByTestId("new-session-when").fill(tomorrowAtTen());
    await checkA11y(a, "sessions-new-dialog");
    await dialog.getByTestId("new-session-submit").click();
    await expect(dialog).toBeHidden();
    const bar = a.getByTestId("session-bar");
    await expect(bar).toHaveAttribute("data-status", "scheduled");
    await expect(bar.getByTestId("session-title")).toHaveText(title);
    sessionId = (await bar.getAttribute("data-session-id"))!;
    await shot(a, "sessions-01-scheduled");
    await bar.getByTestId("session-start").click();
    await expect(bar).toHaveAttribute("data-status", "live");
    await expect(bar.getByTestId("session-clock")).toHaveText(/^\d\d:\d\d$/);
    // The guest learns of it from the room's events alone.
    const guestBar = b.getByTestId("session-bar");
    await expect(guestBar).toHaveAttribute("data-status", "live");
    await expect(guestBar).toHaveAttribute("data-session-id", sessionId);
    await expect(guestBar.getByTestId("session-title")).toHaveText(title);
    // Only those who may run it can end it.
    await expect(guestBar.getByTestId("session-end")).toHaveCount(0);
  });

  await test.step("with the room open, both attend: each bar shows both here", async () => {
    const both = [hostUuid, guestUuid].sort().join(",");
    await expect(a.getByTestId("session-here")).toHaveAttribute("data-user-ids", both);
    await expect(b.getByTestId("session-here")).toHaveAttribute("data-user-ids", both);
  });

  await test.step("they chat during the session", async () => {
    await send(a, hostLine);
    await expect(messageByText(b, hostLine)).toBeVisible();
    await send(b, guestLine);
    await expect(messageByText(a, guestLine)).toBeVisible();
  });

  await test.step("notes: a shared action item appears live for the other; a private note does not", async () => {
    await b.getByTestId("session-notes-toggle").click();
    await expect(b.getByTestId("session-notes-panel")).toBeVisible();
    await expect(b.getByTestId("session-note-body")).toBeFocused();
    await a.getByTestId("session-notes-toggle").click();
    await expect(a.getByTestId("session-notes-panel")).toBeVisible();

    await addNote(a, "action_item", actionItem);
    const onGuest = noteByText(b, actionItem);
    await expect(onGuest).toBeVisible();
    await expect(onGuest).toHaveAttribute("data-kind", "action_item");
    await expect(onGuest).toHaveAttribute("data-mine", "false");
    // Someone else's note: no edit, no delete, its box not for the guest to tick.
    await expect(onGuest.getByTestId("session-note-edit")).toHaveCount(0);
    await expect(onGuest.getByTestId("session-note-done")).toBeDisabled();

    await addNote(b, "note", privateNote, true);
    await expect(noteByText(b, privateNote)).toHaveAttribute("data-visibility", "private");
    await addNote(b, "highlight", highlight);
    // Once the later shared note reached the host, the private one would have too.
    await expect(noteByText(a, highlight)).toBeVisible();
    await expect(noteByText(a, privateNote)).toHaveCount(0);

    // The host ticks her action item off; the guest sees it done.
    const box = noteByText(a, actionItem).getByTestId("session-note-done");
    await box.click();
    await expect(box).toBeChecked();
    await expect(onGuest).toHaveAttribute("data-done", "true");

    // The guest edits his highlight: the host sees the new text.
    const mine = noteByText(b, highlight);
    await mine.getByTestId("session-note-edit").click();
    await b.getByTestId("session-note-edit-input").fill(`${highlight} (confirmed)`);
    await b.getByTestId("session-note-edit-input").press("Enter");
    await expect(noteByText(a, `${highlight} (confirmed)`)).toBeVisible();

    await shot(a, "sessions-02-live-host");
    await shot(b, "sessions-03-live-guest");
    await withDark(a, () => checkA11y(a, "sessions-live-host-dark"));
    await withDark(b, () => checkA11y(b, "sessions-live-guest-dark"));
    // A phone: the notes are a drawer over the chat.
    await b.setViewportSize({ width: 390, height: 844 });
    await shot(b, "sessions-03b-live-guest-phone");
    await b.setViewportSize({ width: 1280, height: 800 });
  });

  await test.step("the host ends the session; the notes stay readable", async () => {
    a.once("dialog", (d) => void d.accept());
    await a.getByTestId("session-end").click();
    await expect(a.getByTestId("session-bar")).toHaveAttribute("data-status", "none");
    await expect(b.getByTestId("session-bar")).toHaveCount(0);
    await expect(b.getByTestId("session-notes-readonly")).toBeVisible();
    await expect(b.getByTestId("session-note-form")).toHaveCount(0);
    await expect(noteByText(b, actionItem)).toBeVisible();
  });

  await test.step("the room's sessions list leads to the record", async () => {
    await a.getByTestId("sessions-menu").click();
    const item = a.locator(`[data-testid="sessions-item"][data-session-id="${sessionId}"]`);
    await expect(item).toHaveAttribute("data-status", "ended");
    await checkA11y(a, "sessions-menu-open");
    await item.click();
    await expect(a).toHaveURL(new RegExp(`/sessions/${sessionId}$`));
    // The page's title arrives with the navigation's metadata, a moment after the URL.
    await expect(a).toHaveTitle(/Session · Parley/);
  });

  await test.step("the record: both participants with attendance, the notes by kind, the transcript", async () => {
    await expect(a.getByTestId("record-title")).toHaveText(title);
    await expect(a.getByTestId("record-header")).toHaveAttribute("data-status", "ended");
    await expect(a.getByTestId("record-ended")).toBeVisible();
    const participants = a.getByTestId("record-participant");
    await expect(participants).toHaveCount(2);
    for (const [uuid, name] of [
      [hostUuid, host.name],
      [guestUuid, guest.name],
    ]) {
      const p = a.locator(`[data-testid="record-participant"][data-user-id="${uuid}"]`);
      await expect(p.getByTestId("record-participant-name")).toHaveText(name);
      await expect(p.getByTestId("record-participant-total")).toHaveText(/^\d+ (s|min)|^\d+ h/);
      await expect(p.getByTestId("record-interval").first()).toBeVisible();
    }
    const notes = a.getByTestId("record-notes");
    const action = notes.locator('[data-testid="record-note"][data-kind="action_item"]');
    await expect(action).toHaveCount(1);
    await expect(action).toContainText(actionItem);
    await expect(action).toHaveAttribute("data-done", "true");
    await expect(action.getByRole("checkbox")).toBeDisabled();
    await expect(notes.locator('[data-testid="record-note"][data-kind="highlight"]')).toContainText(`${highlight} (confirmed)`);
    await expect(notes.getByText(privateNote)).toHaveCount(0);
    const transcript = a.getByTestId("record-transcript");
    await expect(transcript.getByTestId("transcript-body").filter({ hasText: hostLine })).toBeVisible();
    await expect(transcript.getByTestId("transcript-body").filter({ hasText: guestLine })).toBeVisible();
    await shot(a, "sessions-04-record");
    await withDark(a, () => checkA11y(a, "sessions-record-dark"));
  });

  await test.step("the guest's record has his private note too", async () => {
    await b.goto(`/sessions/${sessionId}`);
    await expect(b).toHaveTitle(/Session · Parley/);
    await expect(b.getByTestId("record-title")).toHaveText(title);
    await expect(b.locator('[data-testid="record-note"][data-visibility="private"]')).toContainText(privateNote);
    await shot(b, "sessions-05-record-guest");
    await b.setViewportSize({ width: 390, height: 844 });
    await shot(b, "sessions-05b-record-guest-phone");
    await b.setViewportSize({ width: 1280, height: 800 });
  });

  await test.step("Download Markdown saves the record with the title and the messages", async () => {
    const download = a.waitForEvent("download");
    await a.getByTestId("record-download").click();
    const file = await download;
    expect(file.suggestedFilename()).toMatch(/\.md$/);
    const md = await fs.readFile((await file.path())!, "utf8");
    expect(md).toContain(title);
    expect(md).toContain(hostLine);
    expect(md).toContain(guestLine);
    expect(md).toContain(actionItem);
    expect(md).not.toContain(privateNote);
  });
});
