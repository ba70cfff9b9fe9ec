// Bookings end to end, with payments in offline test mode (the fake Stripe's Checkout): the
// host (alice's browser, the runner's zone) gets paid, sets her hours in Paris and offers a
// free and a paid meeting; the client (bob's browser, in Tokyo) opens the public page signed
// out, sees the slots in his zone, signs in from there and comes back to his slot, books the
// free meeting (confirmed) and the paid one (Checkout, back on the booking, confirmed), and
// downloads the .ics; the host finds both under My bookings, moves one and cancels the other
// (a full refund); the client's bell leads to the change. Then both meet in the booking's
// room: the host starts its scheduled session, both attend and chat, the client notes an
// action item the host sees live, the host ends it and the record keeps attendance, the
// transcript and the note. Pages are checked light and dark.
import fs from "node:fs/promises";
import { expect, test, type Page } from "@playwright/test";
import { apiAs, checkA11y, messageByText, shot, signIn, twoUsers, withDark } from "./helpers";

const run = Math.random().toString(36).slice(2, 8);
const host = { id: `user_e2e_bhost_${run}`, name: `Hana ${run}` };
const client = { id: `user_e2e_bclient_${run}`, name: `Kenji ${run}` };
const HOST_TZ = "Europe/Paris";
const CLIENT_TZ = "Asia/Tokyo";
const freeTitle = `Intro call ${run}`;
const paidTitle = `Deep dive ${run}`;
const freeSlug = `intro-call-${run}`;
const paidSlug = `deep-dive-${run}`;
/** The fake Stripe's pages (Checkout, onboarding), on their own origin. */
const STRIPE = /^http:\/\/127\.0\.0\.1:\d+\//;

let a: Page;
let b: Page;
let hostUuid = "";
let freeBookingId = "";
let paidBookingId = "";

twoUsers("bookings", (u) => ({ a, b } = u), { b: { timezoneId: CLIENT_TZ, locale: "en-US" } });

/** `YYYY-MM-DD` of now + `days` in a zone. */
function dayIn(tz: string, days: number): string {
  const d = new Date(Date.now() + days * 86_400_000);
  const p = Object.fromEntries(
    new Intl.DateTimeFormat("en-US", { timeZone: tz, year: "numeric", month: "2-digit", day: "2-digit" }).formatToParts(d).map((x) => [x.type, x.value]),
  );
  return `${p.year}-${p.month}-${p.day}`;
}

/** "9:30 AM" as the page shows an instant in a zone (en-US). */
const timeIn = (iso: string, tz: string) => new Date(iso).toLocaleTimeString("en-US", { timeZone: tz, hour: "numeric", minute: "2-digit" });

/** In a slot picker (`prefix`): go to the day's month, open the day; its times show. */
async function openDay(page: Page, prefix: string, day: string) {
  const picker = page.getByTestId(`${prefix}-picker`);
  const calendar = picker.getByTestId("month-calendar");
  for (let i = 0; i < 3 && (await calendar.getAttribute("data-month")) !== day.slice(0, 7); i++) {
    await picker.getByTestId("calendar-next").click();
  }
  await expect(calendar).toHaveAttribute("data-month", day.slice(0, 7));
  const cell = calendar.locator(`[data-testid="calendar-day"][data-day="${day}"]`);
  await expect(cell).toHaveAttribute("data-available", "true");
  await cell.click();
  await expect(picker.getByTestId(`${prefix}-day`)).toHaveAttribute("data-day", day);
  await expect(picker.getByTestId("slot").first()).toBeVisible();
}

test("a host offers free and paid meetings; a client elsewhere books both; the host moves and cancels", async () => {
  await test.step("the host signs in and gets paid (onboarding at the fake Stripe)", async () => {
    await signIn(a, host);
    hostUuid = (await apiAs<{ id: string }>(host.id, "GET", "/v1/me")).id;
    await a.getByTestId("nav-profile").click();
    await expect(a.getByTestId("payout-card")).toHaveAttribute("data-state", "not_started");
    await a.getByTestId("get-paid").click();
    await expect(a).toHaveURL(STRIPE);
    await a.locator("#complete").click();
    await expect(a).toHaveURL(/\/payouts\?onboarding=done$/);
    await expect(a.getByTestId("payout-card")).toHaveAttribute("data-state", "enabled");
  });

  await test.step("the host sets her hours: every day 00:00–23:30 in Paris", async () => {
    await a.getByTestId("nav-booking-settings").click();
    await expect(a.getByTestId("booking-settings")).toBeVisible();
    await expect(a.getByTestId("availability-form")).toBeVisible();
    await shot(a, "bookings-01-settings-empty");
    await a.getByTestId("availability-tz").selectOption(HOST_TZ);
    await a.getByTestId("weekday-mon-on").check();
    await a.getByTestId("weekday-mon-range-0-start").fill("00:00");
    await a.getByTestId("weekday-mon-range-0-end").fill("23:30");
    await a.getByTestId("weekday-mon-copy").click();
    await expect(a.getByTestId("weekday-sun-range-0-end")).toHaveValue("23:30");
    // A date override, added and removed again: the editor handles both.
    await a.getByTestId("override-add").click();
    await expect(a.getByTestId("override-0")).toBeVisible();
    await checkA11y(a, "bookings-availability-with-override");
    await a.getByRole("button", { name: "Remove the override for Override 1" }).click();
    await a.getByTestId("availability-save").click();
    await expect(a.getByTestId("availability-saved")).toBeVisible();
    const saved = await apiAs<{ time_zone: string; weekly: unknown[] }>(host.id, "GET", "/v1/availability");
    expect(saved.time_zone).toBe(HOST_TZ);
    expect(saved.weekly).toHaveLength(7);
  });

  await test.step("the host creates a free type and a paid one, each with its public link", async () => {
    await a.getByTestId("type-new").click();
    let form = a.getByTestId("type-form");
    await form.getByTestId("type-title").fill(freeTitle);
    // The link name follows the title.
    await expect(form.getByTestId("type-slug")).toHaveValue(freeSlug);
    await form.getByTestId("type-description").fill("A first chat to get to know each other.");
    await form.getByTestId("type-length").fill("30");
    await checkA11y(a, "bookings-type-dialog");
    await form.getByTestId("type-save").click();
    await expect(a.getByTestId("type-dialog")).toBeHidden();

    await a.getByTestId("type-new").click();
    form = a.getByTestId("type-form");
    await form.getByTestId("type-title").fill(paidTitle);
    await form.getByTestId("type-length").fill("60");
    await form.getByTestId("type-price-amount").fill("25.00");
    await form.getByTestId("type-refundHours").fill("24");
    await form.getByTestId("type-save").click();
    await expect(a.getByTestId("type-dialog")).toBeHidden();

    const cards = a.getByTestId("type-card");
    await expect(cards).toHaveCount(2);
    const free = cards.and(a.locator(`[data-slug="${freeSlug}"]`));
    const paid = cards.and(a.locator(`[data-slug="${paidSlug}"]`));
    await expect(free.getByTestId("type-card-price")).toHaveText("Free");
    await expect(paid.getByTestId("type-card-price")).toHaveText("$25.00");
    await expect(free.getByTestId("type-card-link")).toHaveText(new RegExp(`/book/${hostUuid}/${freeSlug}$`));
    await shot(a, "bookings-02-types");
  });

  await test.step("the host's settings in the dark theme", async () => {
    await withDark(a, () => checkA11y(a, "bookings-settings-dark"));
  });

  const freeDay = dayIn(CLIENT_TZ, 2);
  let freeStart = "";

  await test.step("signed out, the client sees the free type's slots in his zone (Tokyo)", async () => {
    await b.goto(`/book/${hostUuid}/${freeSlug}`);
    await expect(b.getByTestId("book-title")).toHaveText(freeTitle);
    await expect(b.getByTestId("book-price")).toHaveText("Free");
    await expect(b.getByTestId("book-length")).toHaveText("30 min");
    await expect(b.getByTestId("book-tz")).toHaveValue(CLIENT_TZ);
    await openDay(b, "book", freeDay);
    const first = b.getByTestId("slot").first();
    freeStart = (await first.getAttribute("data-start"))!;
    await expect(first).toHaveText(timeIn(freeStart, CLIENT_TZ));
    await shot(b, "bookings-03-public-page");
    // Seen from Paris, a full day starts at midnight: the same instants, another clock.
    await b.getByTestId("book-tz").selectOption(HOST_TZ);
    await openDay(b, "book", dayIn(HOST_TZ, 3));
    await expect(b.getByTestId("slot").first()).toHaveText("12:00 AM");
    await b.getByTestId("book-tz").selectOption(CLIENT_TZ);
    await openDay(b, "book", freeDay);
    // The keyboard moves through the calendar.
    const cell = b.locator(`[data-testid="calendar-day"][data-day="${freeDay}"]`);
    await cell.focus();
    await b.keyboard.press("ArrowRight");
    await expect(b.locator(`[data-testid="calendar-day"][data-day="${dayIn(CLIENT_TZ, 3)}"]`)).toBeFocused();
    await b.keyboard.press("ArrowLeft");
    await expect(cell).toBeFocused();
    await withDark(b, () => checkA11y(b, "bookings-public-page-dark"));
    // On a phone the calendar and the times stack.
    await b.setViewportSize({ width: 390, height: 844 });
    await expect(b.getByTestId("book-times")).toBeVisible();
    await shot(b, "bookings-03b-public-page-phone");
    await b.setViewportSize({ width: 1280, height: 800 });
  });

  await test.step("the client picks a time, signs in from the page and books it: confirmed", async () => {
    await b.locator(`[data-testid="slot"][data-start="${freeStart}"]`).click();
    await b.getByTestId("book-note").fill(`Looking forward ${run}`);
    await b.getByTestId("book-sign-in").click();
    await expect(b.getByTestId("dev-user-id")).toBeVisible();
    await checkA11y(b, "sign-in from a booking page");
    await b.getByTestId("dev-user-id").fill(client.id);
    await b.getByTestId("dev-display-name").fill(client.name);
    await b.getByTestId("dev-sign-in-submit").click();
    // Back on the booking page with the same slot chosen, and the note kept.
    await expect(b).toHaveURL(new RegExp(`/book/${hostUuid}/${freeSlug}\\?start=`));
    await expect(b.getByTestId("book-host")).toContainText(host.name);
    await expect(b.locator(`[data-testid="slot"][data-start="${freeStart}"]`)).toHaveAttribute("aria-pressed", "true");
    await expect(b.getByTestId("book-note")).toHaveValue(`Looking forward ${run}`);
    await b.getByTestId("book-submit").click();
    const done = b.getByTestId("booking-done");
    await expect(done).toHaveAttribute("data-status", "confirmed");
    freeBookingId = (await done.getAttribute("data-booking-id"))!;
    await shot(b, "bookings-04-booked");
  });

  await test.step("the client downloads the booking's .ics", async () => {
    await b.getByTestId("booking-done-open").click();
    await expect(b).toHaveURL(new RegExp(`/bookings/${freeBookingId}$`));
    const detail = b.getByTestId("booking-detail");
    await expect(detail).toHaveAttribute("data-status", "confirmed");
    await expect(detail.getByTestId("booking-note")).toHaveText(`Looking forward ${run}`);
    await expect(detail.getByTestId("booking-room")).toHaveAttribute("href", /^\/rooms\/[0-9a-f-]{36}$/);
    const download = b.waitForEvent("download");
    await detail.getByTestId("booking-ics").click();
    const file = await download;
    expect(file.suggestedFilename()).toMatch(/\.ics$/);
    const ics = await fs.readFile((await file.path())!, "utf8");
    expect(ics).toContain("BEGIN:VCALENDAR");
    expect(ics).toContain(freeTitle);
    await shot(b, "bookings-05-booking-page");
    await b.setViewportSize({ width: 390, height: 844 });
    await shot(b, "bookings-05b-booking-page-phone");
    await b.setViewportSize({ width: 1280, height: 800 });
  });

  await test.step("the client books the paid type: Checkout, back on the booking, confirmed", async () => {
    await b.goto(`/book/${hostUuid}/${paidSlug}`);
    await expect(b.getByTestId("book-price")).toHaveText("$25.00");
    await openDay(b, "book", dayIn(CLIENT_TZ, 4));
    await b.getByTestId("slot").first().click();
    await expect(b.getByTestId("book-submit")).toHaveText("Book and pay $25.00");
    await b.getByTestId("book-submit").click();
    await expect(b).toHaveURL(STRIPE);
    await expect(b.locator("#amount")).toHaveText("$25.00");
    await b.locator("#pay").click();
    await expect(b).toHaveURL(/\/bookings\/[0-9a-f-]{36}\?payment_id=/);
    paidBookingId = new URL(b.url()).pathname.split("/")[2];
    await expect(b.getByTestId("checkout-return")).toHaveAttribute("data-phase", "succeeded");
    await expect(b.getByTestId("booking-detail")).toHaveAttribute("data-status", "confirmed");
    await expect(b.getByTestId("booking-payment-status")).toHaveAttribute("data-status", "succeeded");
    await shot(b, "bookings-06-paid");
  });

  await test.step("the client's bookings", async () => {
    await b.getByTestId("nav-bookings").click();
    await expect(b.getByTestId("bookings-page")).toHaveAttribute("data-role", "client");
    await expect(b.getByTestId("booking-row")).toHaveCount(2);
    await expect(b.getByTestId("booking-row").and(b.locator('[data-status="confirmed"]'))).toHaveCount(2);
    await shot(b, "bookings-07-client-list");
  });

  await test.step("the host sees both under My bookings, as host", async () => {
    await a.getByTestId("nav-bookings").click();
    await a.getByTestId("bookings-tab-host").click();
    await expect(a.getByTestId("bookings-page")).toHaveAttribute("data-role", "host");
    const rows = a.getByTestId("booking-row");
    await expect(rows).toHaveCount(2);
    await expect(rows.filter({ hasText: freeTitle })).toContainText(client.name);
    await shot(a, "bookings-08-host-list");
    await withDark(a, () => checkA11y(a, "bookings-host-list-dark"));
    // The status filter: nothing is cancelled yet.
    await a.getByTestId("bookings-status").selectOption("cancelled");
    await expect(a.getByTestId("empty-state")).toBeVisible();
    await a.getByTestId("bookings-status").selectOption("");
    await expect(rows).toHaveCount(2);
  });

  await test.step("the host moves the free booking to another day", async () => {
    await a.locator(`[data-testid="booking-row"][data-booking-id="${freeBookingId}"]`).click();
    const detail = a.getByTestId("booking-detail");
    await expect(detail).toHaveAttribute("data-role", "host");
    // The client booked from Tokyo: his time is shown too.
    await expect(detail.getByTestId("booking-when-booked")).toContainText("Asia/Tokyo");
    await detail.getByTestId("booking-reschedule-open").click();
    const dialog = a.getByTestId("booking-reschedule-dialog");
    const newDay = dayIn(CLIENT_TZ, 6);
    await dialog.getByTestId("reschedule-tz").selectOption(CLIENT_TZ);
    await openDay(a, "reschedule", newDay);
    const slot = dialog.getByTestId("slot").nth(2);
    const newStart = (await slot.getAttribute("data-start"))!;
    await slot.click();
    await checkA11y(a, "bookings-reschedule-dialog");
    await dialog.getByTestId("reschedule-confirm").click();
    await expect(dialog).toBeHidden();
    await expect
      .poll(async () => Date.parse((await apiAs<{ start: string }>(host.id, "GET", `/v1/bookings/${freeBookingId}`)).start))
      .toBe(Date.parse(newStart));
    await expect(detail).toHaveAttribute("data-status", "confirmed");
  });

  await test.step("the host cancels the paid booking: the client gets a full refund", async () => {
    await a.goto(`/bookings/${paidBookingId}`);
    const detail = a.getByTestId("booking-detail");
    await expect(detail).toHaveAttribute("data-status", "confirmed");
    await detail.getByTestId("booking-cancel-open").click();
    const dialog = a.getByTestId("booking-cancel-dialog");
    await expect(dialog.getByTestId("booking-cancel-refund")).toHaveAttribute("data-refund", "full");
    await expect(dialog.getByTestId("booking-cancel-refund")).toHaveText("The client gets a full refund of $25.00.");
    await dialog.getByTestId("booking-cancel-reason").fill("Something came up, sorry");
    await checkA11y(a, "bookings-cancel-dialog");
    await dialog.getByTestId("booking-cancel-confirm").click();
    await expect(dialog).toBeHidden();
    await expect(detail).toHaveAttribute("data-status", "cancelled");
    await expect(detail.getByTestId("booking-reason")).toHaveText("Something came up, sorry");
    await expect(detail.getByTestId("booking-payment-status")).toHaveAttribute("data-status", "refunded");
    await shot(a, "bookings-09-cancelled");
  });

  await test.step("the client is told: the bell leads to the booking, cancelled", async () => {
    await b.getByTestId("notif-bell").click();
    const item = b.locator(`[data-testid="notif-item"][data-subject-id="${paidBookingId}"]`).first();
    await expect(item).toHaveAttribute("data-kind", "booking_changed");
    await checkA11y(b, "bookings-notifications");
    await item.click();
    await expect(b).toHaveURL(new RegExp(`/bookings/${paidBookingId}$`));
    const detail = b.getByTestId("booking-detail");
    await expect(detail).toHaveAttribute("data-status", "cancelled");
    await expect(detail.getByTestId("booking-reason")).toHaveText("Something came up, sorry");
    await withDark(b, () => checkA11y(b, "bookings-booking-page-dark"));
  });
});

test("the booking's live session: host and client meet in its room, chat, take a note, and the record keeps it", async () => {
  const line = `Hello from the booking, ${run}`;
  const reply = `Glad to be here, ${run}`;
  const note = `Follow up on the plan ${run}`;
  const booking = await apiAs<{ room_id: string; session_id: string; client_id: string }>(host.id, "GET", `/v1/bookings/${freeBookingId}`);
  const both = [hostUuid, booking.client_id].sort().join(",");

  await test.step("both open the booking's room; the scheduled session is in its bar", async () => {
    await a.goto(`/bookings/${freeBookingId}`);
    await a.getByTestId("booking-detail").getByTestId("booking-room").click();
    await expect(a).toHaveURL(new RegExp(`/rooms/${booking.room_id}$`));
    await b.goto(`/rooms/${booking.room_id}`);
    const bar = a.getByTestId("session-bar");
    await expect(bar).toHaveAttribute("data-status", "scheduled");
    await expect(bar).toHaveAttribute("data-session-id", booking.session_id);
    await expect(bar.getByTestId("session-title")).toHaveText(freeTitle);
  });

  await test.step("the host starts it; both attend and chat", async () => {
    await a.getByTestId("session-bar").getByTestId("session-start").click();
    await expect(a.getByTestId("session-bar")).toHaveAttribute("data-status", "live");
    await expect(b.getByTestId("session-bar")).toHaveAttribute("data-status", "live");
    await expect(a.getByTestId("session-here")).toHaveAttribute("data-user-ids", both);
    await a.getByTestId("composer-input").fill(line);
    await a.getByTestId("composer-input").press("Enter");
    await expect(messageByText(b, line)).toBeVisible();
    await b.getByTestId("composer-input").fill(reply);
    await b.getByTestId("composer-input").press("Enter");
    await expect(messageByText(a, reply)).toBeVisible();
    await checkA11y(b, "bookings-session-live");
  });

  await test.step("the client notes an action item; the host sees it live", async () => {
    await b.getByTestId("session-notes-toggle").click();
    const form = b.getByTestId("session-note-form");
    await form.getByTestId("session-note-kind").selectOption("action_item");
    await form.getByTestId("session-note-body").fill(note);
    await form.getByTestId("session-note-body").press("Enter");
    await a.getByTestId("session-notes-toggle").click();
    await expect(a.getByTestId("session-notes-panel").getByTestId("session-note").filter({ hasText: note })).toBeVisible();
  });

  await test.step("the host ends it; the record shows both attending and the transcript", async () => {
    a.once("dialog", (d) => void d.accept());
    await a.getByTestId("session-end").click();
    await expect(a.getByTestId("session-bar")).toHaveAttribute("data-status", "none");
    await a.goto(`/sessions/${booking.session_id}`);
    await expect(a).toHaveTitle(/Session · Parley/);
    await expect(a.getByTestId("record-participant")).toHaveCount(2);
    const transcript = a.getByTestId("record-transcript");
    await expect(transcript.getByTestId("transcript-body").filter({ hasText: line })).toBeVisible();
    await expect(transcript.getByTestId("transcript-body").filter({ hasText: reply })).toBeVisible();
    await expect(a.getByTestId("record-notes")).toContainText(note);
    await checkA11y(a, "bookings-session-record");
  });
});
