// E-mail and texts end to end, in offline test mode (MailDev catches the mail, the fake
// Twilio the texts; the app's /dev/mail and /dev/sms read them): a host (alice's browser)
// signs in with an e-mail address and offers a meeting (set up through the API); a client
// (bob's browser, in Tokyo) signs in with an address and a verified phone (the dev stand-in
// for Clerk's), books a slot on the public page; both get "Booked: …". The client finds his
// on /dev/mail (from Connections), filtered by his address, with its calendar invite
// (METHOD:REQUEST, the slot's start); on /settings/channels (from his profile) he turns off
// booking-confirmed e-mail and sets quiet hours, which a reload keeps; then he texts STOP
// from /dev/sms and the channels page says texts are off. Pages are checked with axe.
import { expect, test, type Page } from "@playwright/test";
import { apiAs, checkA11y, shot, twoUsers, withDark } from "./helpers";

const run = Math.random().toString(36).slice(2, 8);
const digits = String(Math.floor(1_000_000 + Math.random() * 9_000_000));
const host = { id: `user_e2e_mhost_${run}`, name: `Mina ${run}`, email: `mina-${run}@example.com` };
const client = { id: `user_e2e_mclient_${run}`, name: `Kai ${run}`, email: `kai-${run}@example.com`, phone: `+1555${digits}` };
const HOST_TZ = "Europe/Paris";
const CLIENT_TZ = "Asia/Tokyo";
const title = `Mail check ${run}`;
const slug = `mail-check-${run}`;
/** The mail is sent by a background job, and the dev page asks MailDev every few seconds. */
const MAIL_WAIT = { timeout: 45_000 };

let a: Page;
let b: Page;

twoUsers("mail", (u) => ({ a, b } = u), { b: { timezoneId: CLIENT_TZ, locale: "en-US" } });

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

/** In the booking page's slot picker: go to the day's month, open the day; its times show. */
async function openDay(page: Page, day: string) {
  const picker = page.getByTestId("book-picker");
  const calendar = picker.getByTestId("month-calendar");
  for (let i = 0; i < 3 && (await calendar.getAttribute("data-month")) !== day.slice(0, 7); i++) {
    await picker.getByTestId("calendar-next").click();
  }
  await expect(calendar).toHaveAttribute("data-month", day.slice(0, 7));
  const cell = calendar.locator(`[data-testid="calendar-day"][data-day="${day}"]`);
  await expect(cell).toHaveAttribute("data-available", "true");
  await cell.click();
  await expect(picker.getByTestId("book-day")).toHaveAttribute("data-day", day);
  await expect(picker.getByTestId("slot").first()).toBeVisible();
}

/** The dev sign-in with an e-mail address and, optionally, a verified phone number. */
async function signInWith(page: Page, user: { id: string; name: string; email: string; phone?: string }) {
  await page.goto("/sign-in");
  await expect(page.getByTestId("dev-user-id")).toBeVisible();
  await page.getByTestId("dev-user-id").fill(user.id);
  await page.getByTestId("dev-display-name").fill(user.name);
  await page.getByTestId("dev-email").fill(user.email);
  if (user.phone) await page.getByTestId("dev-phone").fill(user.phone);
  await checkA11y(page, "sign-in with an e-mail address and a phone");
  await page.getByTestId("dev-sign-in-submit").click();
  await expect(page).toHaveURL(/\/dashboard$/);
  await expect(page.getByTestId("dashboard")).toBeVisible();
}

/** The page on a phone: nothing wider than the screen (no sideways scrolling); a shot and the axe check. */
async function atPhoneWidth(page: Page, name: string) {
  await page.setViewportSize({ width: 390, height: 844 });
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await shot(page, name);
  await page.setViewportSize({ width: 1280, height: 800 });
}

const mailItem = (page: Page, subject: string) => page.getByTestId("mail-item").filter({ has: page.getByTestId("mail-item-subject").filter({ hasText: subject }) });

test("booking mail with its invite at MailDev; channels and quiet hours kept; STOP from the fake Twilio", async () => {
  let hostUuid = "";
  let start = "";

  await test.step("the host signs in with her address and offers a meeting (hours and type through the API)", async () => {
    await signInWith(a, host);
    hostUuid = (await apiAs<{ id: string }>(host.id, "GET", "/v1/me")).id;
    const days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
    await apiAs(host.id, "PUT", "/v1/availability", {
      time_zone: HOST_TZ,
      weekly: days.map((day) => ({ day, start: "00:00", end: "23:30" })),
      overrides: [],
    });
    await apiAs(host.id, "POST", "/v1/booking-types", { title, slug, length_minutes: 30 });
  });

  await test.step("the client signs in with an address and a verified phone (a malformed number is explained first)", async () => {
    await b.goto("/sign-in");
    await b.getByTestId("dev-user-id").fill(client.id);
    await b.getByTestId("dev-phone").fill("555-1234");
    await b.getByTestId("dev-sign-in-submit").click();
    await expect(b.getByTestId("dev-phone-error")).toContainText("+15551234567");
    await expect(b.getByTestId("dev-phone")).toHaveAttribute("aria-invalid", "true");
    await expect(b.getByTestId("dev-phone")).toBeFocused();
    await checkA11y(b, "sign-in with a malformed phone");
    await signInWith(b, client);
  });

  await test.step("the client books a slot on the host's page: confirmed", async () => {
    await b.goto(`/book/${hostUuid}/${slug}`);
    await expect(b.getByTestId("book-title")).toHaveText(title);
    await expect(b.getByTestId("book-tz")).toHaveValue(CLIENT_TZ);
    await openDay(b, dayIn(CLIENT_TZ, 2));
    const slot = b.getByTestId("slot").nth(1);
    start = (await slot.getAttribute("data-start"))!;
    await slot.click();
    await b.getByTestId("book-submit").click();
    await expect(b.getByTestId("booking-done")).toHaveAttribute("data-status", "confirmed");
  });

  await test.step("Connections shows where notices go, and (dev mode) the way to the caught mail", async () => {
    await b.getByTestId("public-my-bookings").click();
    await b.getByTestId("nav-connections").click();
    await expect(b).toHaveURL(/\/connections$/);
    const card = b.getByTestId("channels-card");
    await expect(card.getByTestId("channels-email-address")).toHaveText(client.email);
    await expect(card.getByTestId("channels-phone-number")).toContainText(client.phone);
    await expect(card.getByTestId("connections-channels-link")).toHaveAttribute("href", "/settings/channels");
    await checkA11y(b, "connections with the channels card");
    await card.getByTestId("connections-dev-mail").click();
    await expect(b).toHaveURL(/\/dev\/mail\?to=/);
  });

  await test.step("/dev/mail, filtered by the client's address: the booking mail and its invite (REQUEST, the slot's start)", async () => {
    await expect(b.getByTestId("dev-mail-banner")).toContainText("Offline test mode: e-mails caught by MailDev");
    await expect(b).toHaveTitle(/Test mail · Parley/);
    const filter = b.getByTestId("mail-filter");
    await filter.fill("");
    await filter.fill(client.email);
    const item = mailItem(b, `Booked: ${title} with ${host.name}`);
    await expect(item).toHaveCount(1, MAIL_WAIT);
    // Only his: every mail listed is to him.
    for (const to of await b.getByTestId("mail-item").allTextContents()) expect(to).toContain(client.email);
    await item.click();
    const detail = b.getByTestId("mail-detail");
    await expect(detail.getByTestId("mail-subject")).toHaveText(new RegExp(`^Booked: ${title} with ${host.name}, `));
    await expect(detail.getByTestId("mail-to")).toContainText(client.email);
    await expect(detail.getByTestId("mail-text")).toContainText(title);
    await expect(detail.getByTestId("mail-text")).toContainText("/settings/channels");
    await expect(detail.getByTestId("mail-html")).toHaveAttribute("sandbox", /allow-popups/);
    await expect(detail.getByTestId("mail-attachment")).toHaveAttribute("data-content-type", /^text\/calendar/);
    const invite = detail.getByTestId("invite-panel");
    await expect(invite).toHaveAttribute("data-method", "REQUEST");
    await expect(invite.getByTestId("invite-method")).toHaveText("REQUEST");
    await expect(invite.getByTestId("invite-summary")).toHaveText(`${title} with ${host.name}`);
    await expect(invite.getByTestId("invite-start")).toHaveAttribute("data-at", new Date(start).toISOString());
    await expect(invite).toHaveAttribute("data-start", new Date(start).toISOString());
    await expect(invite.getByTestId("invite-start-utc")).toHaveText(`${new Date(start).toISOString().slice(0, 10)} ${new Date(start).toISOString().slice(11, 16)} UTC`);
    await expect(invite.getByTestId("invite-start-local")).toContainText(timeIn(start, CLIENT_TZ));
    await expect(invite.getByTestId("invite-end")).toHaveAttribute("data-at", new Date(Date.parse(start) + 30 * 60_000).toISOString());
    await expect(invite.getByTestId("invite-status")).toHaveText("CONFIRMED");
    await expect(invite.getByTestId("invite-sequence")).toHaveText(/^\d+$/);
    // The file itself, through the app's attachment route.
    const href = (await invite.getByTestId("invite-download").getAttribute("href"))!;
    const ics = await b.request.get(href);
    expect(ics.ok()).toBe(true);
    expect(ics.headers()["content-type"]).toMatch(/^text\/calendar/);
    expect(await ics.text()).toContain("METHOD:REQUEST");
    await shot(b, "mail-01-booked-invite");
    await withDark(b, () => checkA11y(b, "mail-dev-mail-dark"));
    await atPhoneWidth(b, "mail-01b-dev-mail-phone");
  });

  await test.step("the host got hers too", async () => {
    const filter = b.getByTestId("mail-filter");
    await filter.fill(host.email);
    await expect(mailItem(b, `Booked: ${title} with ${client.name}`)).toHaveCount(1, MAIL_WAIT);
    // A filter nobody matches: said so.
    await filter.fill(`nobody-${run}@example.com`);
    await expect(b.getByTestId("empty-state")).toContainText("No e-mails to");
    await checkA11y(b, "mail-dev-mail-empty");
  });

  await test.step("the client opens his channels from his profile: the defaults", async () => {
    await b.goto("/profile");
    await b.getByTestId("notification-channels-link").click();
    await expect(b).toHaveURL(/\/settings\/channels$/);
    await expect(b).toHaveTitle(/Notification channels · Parley/);
    await expect(b.getByTestId("nav-channels")).toHaveAttribute("aria-current", "page");
    await expect(b.getByTestId("channels-form")).toBeVisible();
    await expect(b.getByTestId("channels-email-address")).toHaveText(client.email);
    await expect(b.getByTestId("channels-phone-number")).toContainText(client.phone);
    await expect(b.getByTestId("channel-booking_confirmed-email")).toBeChecked();
    await expect(b.getByTestId("channel-booking_confirmed-sms")).not.toBeChecked();
    await expect(b.getByTestId("channel-booking_reminder-sms")).toBeChecked();
    for (const c of ["sms", "push"]) {
      const box = b.getByTestId(`channel-digest-${c}`);
      await expect(box).toBeDisabled();
      await expect(box).toHaveAccessibleDescription(/e-mail only/);
    }
    await expect(b.getByRole("checkbox", { name: "Booking confirmed by e-mail" })).toBeChecked();
    await expect(b.getByTestId("quiet-enabled")).not.toBeChecked();
    await expect(b.getByTestId("quiet-tz")).toHaveValue(CLIENT_TZ);
    await shot(b, "mail-02-channels-defaults");
  });

  await test.step("he turns off booking-confirmed e-mail and sets quiet hours; saved, and kept after a reload", async () => {
    await b.getByTestId("channel-booking_confirmed-email").uncheck();
    await b.getByTestId("quiet-enabled").check();
    await b.getByTestId("quiet-start").fill("21:30");
    await b.getByTestId("quiet-end").fill("07:15");
    await b.getByTestId("quiet-tz").selectOption(HOST_TZ);
    await expect(b.getByTestId("channels-form")).toHaveAttribute("data-state", "dirty");
    await b.getByTestId("channels-save").click();
    await expect(b.getByTestId("channels-saved")).toBeVisible();
    await expect(b.getByTestId("channels-form")).toHaveAttribute("data-state", "saved");
    await shot(b, "mail-03-channels-saved");
    await withDark(b, () => checkA11y(b, "mail-channels-dark"));

    await b.reload();
    await expect(b.getByTestId("channels-form")).toHaveAttribute("data-state", "idle");
    await expect(b.getByTestId("channel-booking_confirmed-email")).not.toBeChecked();
    await expect(b.getByTestId("channel-booking_changed-email")).toBeChecked();
    await expect(b.getByTestId("quiet-enabled")).toBeChecked();
    await expect(b.getByTestId("quiet-start")).toHaveValue("21:30");
    await expect(b.getByTestId("quiet-end")).toHaveValue("07:15");
    await expect(b.getByTestId("quiet-tz")).toHaveValue(HOST_TZ);
    await atPhoneWidth(b, "mail-03b-channels-phone");

    const saved = await apiAs<{ channels: { booking_confirmed: { email: boolean } }; quiet_hours: { start: string; end: string; time_zone: string } | null }>(
      client.id,
      "GET",
      "/v1/me/notification-channels",
    );
    expect(saved.channels.booking_confirmed.email).toBe(false);
    expect(saved.quiet_hours && [saved.quiet_hours.start.slice(0, 5), saved.quiet_hours.end.slice(0, 5), saved.quiet_hours.time_zone]).toEqual(["21:30", "07:15", HOST_TZ]);
    // The same hours are the profile's do-not-disturb hours.
    const settings = await apiAs<{ time_zone: string; dnd: { start: string; end: string } | null }>(client.id, "GET", "/v1/me/notification-settings");
    expect([settings.time_zone, settings.dnd?.start.slice(0, 5), settings.dnd?.end.slice(0, 5)]).toEqual([HOST_TZ, "21:30", "07:15"]);
  });

  await test.step("he texts STOP from /dev/sms: his channels say texts are off", async () => {
    await b.getByTestId("nav-connections").click();
    await b.getByTestId("channels-card").getByTestId("connections-dev-sms").click();
    await expect(b).toHaveURL(/\/dev\/sms\?number=/);
    await expect(b.getByTestId("dev-sms-banner")).toContainText("Offline test mode: texts caught by the fake Twilio");
    await expect(b.getByTestId("sms-reply-from")).toHaveValue(client.phone);
    await checkA11y(b, "mail-dev-sms-before-reply");
    await b.getByTestId("sms-reply-body").fill("STOP");
    await b.getByTestId("sms-reply-submit").click();
    await expect(b.getByTestId("sms-reply-result")).toHaveText("Sent: Parley's webhook answered 200.");
    const reply = b.locator('[data-testid="sms-row"][data-direction="inbound"]').filter({ hasText: client.phone });
    await expect(reply.getByTestId("sms-body")).toHaveText("STOP");
    await shot(b, "mail-04-dev-sms");
    await withDark(b, () => checkA11y(b, "mail-dev-sms-dark"));

    await b.goto("/settings/channels");
    await expect(b.getByTestId("channels-phone")).toHaveAttribute("data-stopped", "true");
    await expect(b.getByTestId("channels-phone-stopped")).toHaveText("You replied STOP: texts are off until you reply START.");
    await checkA11y(b, "mail-channels-stopped");
  });
});
