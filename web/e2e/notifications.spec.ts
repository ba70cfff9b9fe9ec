// Notifications end to end: alice mentions bob while bob is elsewhere, bob's bell counts it
// live and leads him to the message; once bob sets the room to "Nothing", a mention leaves
// his bell alone (checked against a DM that does notify him, and against the API).
import { expect, test, type Page } from "@playwright/test";
import { apiAs, messageByText, shot, signIn, twoUsers } from "./helpers";

const run = Math.random().toString(36).slice(2, 8);
const alice = { id: `user_e2e_nalice_${run}`, name: `Alice ${run}` };
const bob = { id: `user_e2e_nbob_${run}`, name: `Bob ${run}` };
const roomName = `e2e-notify-${run}`;

let a: Page;
let b: Page;
let roomId = "";
let bobUuid = "";

// ---- helpers ------------------------------------------------------------------------

const bell = (page: Page) => page.getByTestId("notif-bell");

/** The bell follows the notifications stream on an open socket; returns its unread count. */
async function bellLive(page: Page): Promise<number> {
  await expect(page.locator('[data-testid="connection-status"][data-status="open"]').first()).toBeAttached();
  await expect(bell(page)).toHaveAttribute("data-live", "true");
  await expect(bell(page)).toHaveAttribute("data-count", /^\d+$/);
  return Number(await bell(page).getAttribute("data-count"));
}

/** Type a message that mentions `who` through the composer's @ suggestions, and send it. */
async function sendMention(page: Page, who: { name: string }, before: string, after: string) {
  const input = page.getByTestId("composer-input");
  await input.fill(before);
  await input.pressSequentially(` @${who.name.slice(0, 3)}`);
  await page.getByTestId("mention-option").filter({ hasText: who.name }).click();
  await expect(input).toHaveValue(`${before} @${who.name} `);
  await input.pressSequentially(after);
  await input.press("Enter");
}

// ---- setup --------------------------------------------------------------------------

// Bob's browser is in Paris: the profile's time zone defaults to it.
twoUsers("notif", (u) => ({ a, b } = u), { b: { timezoneId: "Europe/Paris" } });

// ---- the scenarios ------------------------------------------------------------------

test("a mention lights bob's bell live and leads to the message; a room set to Nothing stays quiet", async () => {
  const first = `are you there ${run}`;
  const second = `still there ${run}`;
  const dm = `a direct word ${run}`;
  let dmRoomId = "";

  await test.step("both sign in; alice makes a room and bob joins it", async () => {
    await signIn(a, alice);
    await signIn(b, bob);
    await a.goto("/rooms");
    await a.getByTestId("create-room-open").click();
    await a.getByTestId("create-room-name").fill(roomName);
    await a.getByTestId("create-room-submit").click();
    await expect(a).toHaveURL(/\/rooms\/[0-9a-f-]{36}$/);
    roomId = a.url().split("/").pop()!;
    await b.goto("/rooms");
    await b.getByTestId("room-search").fill(roomName);
    await b.locator(`[data-testid="room-item"][data-room-name="${roomName}"]`).getByTestId("room-join").click();
    await expect(b).toHaveURL(new RegExp(`/rooms/${roomId}$`));
    await expect(b.getByTestId("composer-input")).toBeVisible();
    bobUuid = (await apiAs<{ id: string }>(bob.id, "GET", "/v1/me")).id;
  });

  await test.step("a DM from alice shows in bob's bell; Mark all read clears it", async () => {
    await b.goto("/dashboard");
    await bellLive(b);
    dmRoomId = (await apiAs<{ id: string }>(alice.id, "POST", "/v1/dms", { user_id: bobUuid })).id;
    await apiAs(alice.id, "POST", `/v1/rooms/${dmRoomId}/messages`, { body: `hello bob ${run}`, client_msg_id: crypto.randomUUID() });
    await bell(b).click();
    const panel = b.getByTestId("notif-panel");
    await expect(panel).toBeVisible();
    await expect(panel.locator(`[data-testid="notif-item"][data-kind="dm"][data-room-id="${dmRoomId}"]`)).toHaveAttribute("data-read", "false");
    await shot(b, "n01-panel-dm");
    await panel.getByTestId("notif-mark-all").click();
    await expect(bell(b)).toHaveAttribute("data-count", "0");
    await expect(b.getByTestId("notif-count")).toHaveCount(0);
    await expect(panel.locator('[data-testid="notif-item"][data-read="false"]')).toHaveCount(0);
    await b.keyboard.press("Escape");
    await expect(panel).toHaveCount(0);
  });

  await test.step("alice mentions bob through the @ suggestions", async () => {
    await a.goto(`/rooms/${roomId}`);
    await expect(a.getByTestId("composer-input")).toBeVisible();
    await sendMention(a, bob, "hey", first);
    const mention = messageByText(a, first).getByTestId("mention");
    await expect(mention).toHaveText(`@${bob.name}`);
    await expect(mention).toHaveAttribute("data-user-id", bobUuid);
  });

  await test.step("bob, on the dashboard, sees his bell count it live", async () => {
    await expect(bell(b)).toHaveAttribute("data-count", "1");
    await expect(b.getByTestId("notif-count")).toHaveText("1");
    await expect(b).toHaveURL(/\/dashboard$/);
  });

  await test.step("bob opens the notification and lands on the message", async () => {
    await bell(b).click();
    const item = b.getByTestId("notif-panel").locator(`[data-testid="notif-item"][data-kind="mention"][data-room-id="${roomId}"]`);
    await expect(item).toHaveAttribute("data-read", "false");
    await expect(item.getByTestId("notif-preview")).toContainText(first);
    await expect(item.getByTestId("notif-actor")).toHaveText(alice.name);
    await shot(b, "n02-panel-mention");
    await item.click();
    await expect(b).toHaveURL(new RegExp(`/rooms/${roomId}\\?seq=\\d+`));
    const msg = messageByText(b, first);
    await expect(msg).toBeInViewport();
    await expect(msg).toHaveAttribute("data-highlighted", "true");
    await expect(msg.getByTestId("mention")).toHaveAttribute("data-me", "true");
    await expect(bell(b)).toHaveAttribute("data-count", "0");
    await shot(b, "n03-landed");
  });

  await test.step("bob sets the room to Nothing", async () => {
    await b.getByTestId("room-notify-menu").click();
    await expect(b.getByTestId("notify-level-default")).toHaveAttribute("aria-checked", "true");
    await shot(b, "n03b-room-menu");
    await b.getByTestId("notify-level-none").click();
    // Set from the API's answer, not optimistically.
    await expect(b.getByTestId("room-notify-menu")).toHaveAttribute("data-level", "none");
    await expect(b.getByTestId("room-notify-menu")).toHaveAttribute("data-effective-level", "none");
  });

  await test.step("alice mentions bob again, then DMs him: only the DM counts", async () => {
    await b.goto("/dashboard");
    expect(await bellLive(b)).toBe(0);
    await sendMention(a, bob, "once more", second);
    await expect(messageByText(a, second).getByTestId("mention")).toBeVisible();
    await apiAs(alice.id, "POST", `/v1/rooms/${dmRoomId}/messages`, { body: dm, client_msg_id: crypto.randomUUID() });
    // The DM is notified after the mention was handled: once it shows, the mention would have.
    await expect(bell(b)).toHaveAttribute("data-count", "1");
    await bell(b).click();
    const panel = b.getByTestId("notif-panel");
    await expect(panel.locator('[data-testid="notif-item"][data-read="false"]')).toHaveCount(1);
    await expect(panel.locator('[data-testid="notif-item"][data-read="false"]')).toHaveAttribute("data-kind", "dm");
    await expect(panel.locator('[data-testid="notif-item"][data-read="false"]')).toHaveAttribute("data-room-id", dmRoomId);
    await expect(panel.getByTestId("notif-item").filter({ hasText: second })).toHaveCount(0);
    const unread = await apiAs<{ items: { preview: string | null; room_id: string | null }[] }>(bob.id, "GET", "/v1/notifications?unread=true");
    expect(unread.items.filter((n) => n.room_id === roomId), "no unread notification from the quiet room").toEqual([]);
    const count = await apiAs<{ unread_count: number }>(bob.id, "GET", "/v1/notifications/unread-count");
    expect(count.unread_count).toBe(1);
    await shot(b, "n04-quiet-room");
    await b.keyboard.press("Escape");
  });
});

test("profile: quiet hours in my time zone, and the browser notifications switch", async () => {
  await b.goto("/profile");
  const card = b.getByTestId("notification-settings");
  await expect(card).toBeVisible();
  await expect(card.getByTestId("time-zone")).toHaveValue("Europe/Paris");
  await card.getByTestId("dnd-enabled").check();
  await card.getByTestId("dnd-start").fill("22:30");
  await card.getByTestId("dnd-end").fill("07:15");
  await card.getByTestId("notification-settings-save").click();
  await expect(card.getByTestId("notification-settings-saved")).toBeVisible();
  const saved = await apiAs<{ time_zone: string; dnd?: { start: string; end: string } | null }>(bob.id, "GET", "/v1/me/notification-settings");
  expect(saved).toMatchObject({ time_zone: "Europe/Paris", dnd: { start: "22:30", end: "07:15" } });
  await b.reload();
  await expect(b.getByTestId("dnd-start")).toHaveValue("22:30");
  await expect(b.getByTestId("push-toggle")).toBeAttached();
  await expect(b.getByTestId("push-status")).toHaveAttribute("data-state", /^(unsupported|blocked|off|on)$/);
  await b.getByTestId("notification-settings").scrollIntoViewIfNeeded();
  await shot(b, "n05-profile-notifications");
});
