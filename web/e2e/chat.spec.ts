// Two users, alice and bob, each in their own browser context, chat through the real API
// (dev sign-in) and this app. The later tests continue in the room the first one made; the
// third follows alice's sidebar live (a room she is added to, its messages, a mention), the
// last checks the main pages in the dark theme. Every screenshot also runs the axe check.
import { expect, test, type BrowserContext, type Locator, type Page } from "@playwright/test";
import { apiAs, checkA11y, messageByText, shot, signIn, twoUsers } from "./helpers";

const run = Math.random().toString(36).slice(2, 8);
const alice = { id: `user_e2e_alice_${run}`, name: `Alice ${run}` };
const bob = { id: `user_e2e_bob_${run}`, name: `Bob ${run}` };
const roomName = `e2e-room-${run}`;

let ctxB: BrowserContext;
let a: Page;
let b: Page;
let roomUrl = "";

// ---- page helpers -------------------------------------------------------------------

/** The socket status; the sidebar and the phone header each show one, so the first is enough. */
function connection(page: Page, status: "open" | "offline"): Locator {
  return page.locator(`[data-testid="connection-status"][data-status="${status}"]`).first();
}

async function waitLive(page: Page) {
  await expect(connection(page, "open")).toBeAttached();
}

async function send(page: Page, text: string) {
  await page.getByTestId("composer-input").fill(text);
  await page.getByTestId("composer-input").press("Enter");
}

/** A message whose body contains `text`. */
const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** Message bodies that are exactly `text` (an unedited message). */
function bodiesExactly(page: Page, text: string): Locator {
  return page.getByTestId("message-body").filter({ hasText: new RegExp(`^\\s*${escapeRegExp(text)}\\s*$`) });
}

/** Post as a user straight to the API, as if from another device of theirs. */
async function postAs(userId: string, roomId: string, body: string, mentions?: { user_ids: string[] }) {
  await apiAs(userId, "POST", `/v1/rooms/${roomId}/messages`, { body, client_msg_id: crypto.randomUUID(), ...(mentions ? { mentions } : {}) });
}

/** A room's entry in the page's sidebar (not the dashboard's own list). */
function sidebarEntry(page: Page, roomId: string): Locator {
  return page.getByTestId("sidebar").locator(`[data-testid="conversation-item"][data-room-id="${roomId}"]`);
}

// ---- setup --------------------------------------------------------------------------

twoUsers("chat", (u) => ({ ctxB, a, b } = u));

// ---- the scenarios ------------------------------------------------------------------

test("two users chat live and resume after going offline", async () => {
  await test.step("landing page renders", async () => {
    await a.goto("/");
    await expect(a.getByTestId("landing-title")).toBeVisible();
    await shot(a, "01-landing");
  });

  await test.step("both users sign in with the dev sign-in page", async () => {
    await signIn(a, alice);
    await signIn(b, bob);
    await shot(a, "02-dashboard");
  });

  await test.step("alice creates a public room", async () => {
    await a.goto("/rooms");
    await expect(a.getByTestId("room-directory")).toBeVisible();
    await a.getByTestId("create-room-open").click();
    await a.getByTestId("create-room-name").fill(roomName);
    await a.getByTestId("create-room-description").fill("Made by the e2e test");
    await checkA11y(a, "create-room-dialog");
    await a.getByTestId("create-room-submit").click();
    await expect(a).toHaveURL(/\/rooms\/[0-9a-f-]{36}$/);
    roomUrl = a.url();
    await expect(a.getByTestId("room-view")).toBeVisible();
  });

  await test.step("bob finds the room in the directory and joins", async () => {
    await b.goto("/rooms");
    await b.getByTestId("room-search").fill(roomName);
    const item = b.locator(`[data-testid="room-item"][data-room-name="${roomName}"]`);
    await expect(item).toBeVisible();
    await shot(b, "03-directory");
    await item.getByTestId("room-join").click();
    await expect(b).toHaveURL(roomUrl);
    await expect(b.getByTestId("composer-input")).toBeVisible();
    await waitLive(a);
    await waitLive(b);
  });

  await test.step("messages appear live in the other window", async () => {
    await send(a, `hello from alice ${run}`);
    await expect(messageByText(b, `hello from alice ${run}`)).toBeVisible();
    await send(b, `hi alice ${run}`);
    await expect(messageByText(a, `hi alice ${run}`)).toBeVisible();
  });

  await test.step("bob reacts and alice sees it", async () => {
    const msg = messageByText(b, `hello from alice ${run}`);
    await msg.hover();
    await msg.getByTestId("message-react").click();
    await msg.getByTestId("reaction-option").first().click();
    await expect(messageByText(a, `hello from alice ${run}`).locator('[data-testid="reaction-chip"][data-count="1"]')).toBeVisible();
  });

  await test.step("alice edits her message and bob sees the edit", async () => {
    const msg = messageByText(a, `hello from alice ${run}`);
    await msg.hover();
    await msg.getByTestId("message-edit").click();
    await a.getByTestId("edit-input").fill(`hello (edited) from alice ${run}`);
    await a.getByTestId("edit-input").press("Enter");
    const edited = messageByText(b, `hello (edited) from alice ${run}`);
    await expect(edited).toBeVisible();
    await expect(edited.getByTestId("message-edited")).toBeVisible();
  });

  await test.step("alice sees bob typing", async () => {
    // The API forwards at most one typing frame per 2 s per connection and the composer sends
    // one per 2.5 s: typing for ~4 s sends a frame the API forwards, whenever bob's last
    // one was. Wait for the indicator while the keys are still being pressed.
    const typing = b.getByTestId("composer-input").pressSequentially("I am typing a rather long reply", { delay: 130 });
    await expect(a.getByTestId("typing-indicator")).toContainText("typing");
    await typing;
    await b.getByTestId("composer-input").fill("");
    await shot(a, "04-room-alice");
    await shot(b, "05-room-bob");
  });

  const missed = [1, 2, 3].map((n) => `missed ${n} ${run}`);
  const otherDevice = `from alice's other device ${run}`;
  await test.step("bob goes offline while alice sends", async () => {
    await ctxB.setOffline(true);
    try {
      await connection(b, "offline").waitFor({ state: "attached", timeout: 3000 });
    } catch {
      // Some Chromium builds do not fire `offline` under emulation: tell the app directly.
      console.log("no offline event from the browser; dispatching one");
      await b.evaluate(() => window.dispatchEvent(new Event("offline")));
      await expect(connection(b, "offline")).toBeAttached();
    }
    for (const text of missed) {
      await send(a, text);
      await expect(messageByText(a, text)).toBeVisible();
    }
    // Synchronisation point: a message alice's page can only learn of through its socket.
    // A room's events reach every subscribed socket in seq order, so once it shows there,
    // the missed messages have gone out to any socket bob might still have.
    await postAs(alice.id, roomUrl.split("/").pop()!, otherDevice);
    await expect(messageByText(a, otherDevice)).toBeVisible();
    // Nothing may leak through a socket that should be closed.
    for (const text of [...missed, otherDevice]) await expect(bodiesExactly(b, text)).toHaveCount(0);
    await shot(b, "06-offline-bob");
  });

  await test.step("bob comes back and shows each missed message exactly once, in order", async () => {
    await ctxB.setOffline(false);
    try {
      await connection(b, "open").waitFor({ state: "attached" });
    } catch {
      console.log("no online event from the browser; dispatching one");
      await b.evaluate(() => window.dispatchEvent(new Event("online")));
      await waitLive(b);
    }
    for (const text of [...missed, otherDevice]) await expect(messageByText(b, text)).toBeVisible();
    // A room's events reach a socket in order: once a later message is shown, any duplicate
    // of the missed ones from the resume would already be on the page.
    const marker = `after resume ${run}`;
    await send(a, marker);
    await expect(messageByText(b, marker)).toBeVisible();
    for (const text of [...missed, otherDevice]) await expect(bodiesExactly(b, text), `"${text}" once`).toHaveCount(1);
    const seqs = await b.getByTestId("message").evaluateAll((els) => els.map((e) => Number(e.getAttribute("data-seq"))));
    for (let i = 1; i < seqs.length; i++) expect(seqs[i], `messages in seq order: ${seqs.join(",")}`).toBeGreaterThan(seqs[i - 1]);
    const bodies = (await b.getByTestId("message-body").allTextContents()).map((x) => x.trim());
    const idx = [...missed, otherDevice].map((t) => bodies.indexOf(t));
    expect(idx.every((n, i) => n >= 0 && (i === 0 || n > idx[i - 1])), `missed messages in order: ${idx}`).toBe(true);
    await shot(b, "07-resumed-bob");
  });

  await test.step("profile, dashboard badges and a phone-width room", async () => {
    await b.goto("/profile");
    await expect(b.getByTestId("profile-page")).toBeVisible();
    await shot(b, "08-profile");
    // A light colour of his own: his initials and his name in rooms must still read (axe, below).
    await b.getByTestId("profile-color").fill("#f59e0b");
    await b.getByTestId("profile-save").click();
    await expect(b.getByTestId("profile-saved")).toBeVisible();
    // Bob is on another page: alice's next message counts as unread for him.
    await send(a, `unread ping ${run}`);
    await b.goto("/dashboard");
    await expect(
      b.getByTestId("dashboard").getByTestId("conversation-item").filter({ hasText: roomName }).getByTestId("unread-badge"),
    ).toBeVisible();
    await shot(b, "09-dashboard-unread");
    await a.setViewportSize({ width: 390, height: 844 });
    await shot(a, "10-room-phone");
    await a.emulateMedia({ colorScheme: "dark" });
    await a.goto(roomUrl);
    await expect(a.getByTestId("room-view")).toBeVisible();
    await expect(a.locator("html")).toHaveClass(/\bdark\b/);
    await shot(a, "11-room-phone-dark");
    await a.setViewportSize({ width: 1280, height: 800 });
    await a.emulateMedia({ colorScheme: "light" });
    await expect(a.locator("html")).not.toHaveClass(/\bdark\b/);
  });
});

test("replies, deletes, members and a DM from a profile", async () => {
  await a.goto(roomUrl);
  await b.goto(roomUrl);
  await waitLive(a);
  await waitLive(b);

  await test.step("bob replies to alice and alice sees the quote", async () => {
    const msg = messageByText(b, `hi alice ${run}`);
    await msg.hover();
    await msg.getByTestId("message-reply").click();
    await expect(b.getByTestId("reply-banner")).toBeVisible();
    await send(b, `a reply ${run}`);
    const reply = messageByText(a, `a reply ${run}`);
    await expect(reply.getByTestId("message-reply-quote").filter({ hasText: `hi alice ${run}` })).toBeVisible();
  });

  await test.step("bob deletes his message and alice sees it go", async () => {
    await send(b, `to be deleted ${run}`);
    await expect(messageByText(a, `to be deleted ${run}`)).toBeVisible();
    const msg = messageByText(b, `to be deleted ${run}`);
    await msg.hover();
    await msg.getByTestId("message-delete").click();
    await b.getByTestId("confirm-delete-button").click();
    await expect(bodiesExactly(a, `to be deleted ${run}`)).toHaveCount(0);
  });

  await test.step("the member list shows both, with owner tools for alice", async () => {
    await a.getByTestId("toggle-members").click();
    await expect(a.getByTestId("member-panel")).toBeVisible();
    await expect(a.getByTestId("member-item")).toHaveCount(2);
    await expect(a.getByTestId("kick-member").first()).toBeVisible();
    await expect(a.getByTestId("invite-search")).toBeVisible();
    await shot(a, "12-members");
  });

  await test.step("bob opens alice's profile and starts a DM", async () => {
    await expect(messageByText(b, `hi alice ${run}`)).toBeVisible();
    await b
      .getByTestId("message")
      .filter({ has: b.getByTestId("message-author").filter({ hasText: alice.name }) })
      .first()
      .getByTestId("message-author")
      .click();
    await expect(b).toHaveURL(/\/users\//);
    await expect(b.getByTestId("user-profile")).toBeVisible();
    // Someone else's profile is public: no legal names, role or join date.
    await expect(b.getByTestId("user-name")).toHaveText(alice.name);
    await expect(b.getByTestId("user-profile")).not.toContainText("Joined");
    await shot(b, "13-user-profile");
    await b.getByTestId("start-dm").click();
    await expect(b).toHaveURL(/\/rooms\/[0-9a-f-]{36}$/);
    expect(b.url(), "the DM is not the group room").not.toBe(roomUrl);
    await expect(b.getByTestId("composer-input")).toBeVisible();
    await waitLive(b);
    await send(b, `psst ${run}`);
    await expect(messageByText(b, `psst ${run}`)).toBeVisible();
  });

  await test.step("the DM bob opened shows in alice's sidebar without a reload", async () => {
    // Alice has been on the group room's page all along: the feed's `dm` notification brings it.
    expect(a.url()).toBe(roomUrl);
    const dm = sidebarEntry(a, b.url().split("/").pop()!);
    await expect(dm.getByTestId("conversation-preview")).toHaveText(`psst ${run}`);
    await expect(dm).toContainText(bob.name);
    await expect(dm.getByTestId("unread-badge")).toHaveAttribute("data-count", "1");
  });

  await test.step("alice opens the DM", async () => {
    await a.goto(b.url());
    await expect(messageByText(a, `psst ${run}`)).toBeVisible();
    await shot(a, "14-dm");
  });
});

test("the sidebar follows the socket: a room alice is added to, its messages and a mention", async () => {
  const sideRoom = `e2e-side-${run}`;
  let roomId = "";
  const aliceUuid = (await apiAs<{ id: string }>(alice.id, "GET", "/v1/me")).id;

  await test.step("alice waits on her dashboard, following her feed", async () => {
    await a.goto("/dashboard");
    await waitLive(a);
    await expect(a.getByTestId("notif-bell")).toHaveAttribute("data-live", "true");
  });

  await test.step("bob adds alice to a new room: it appears in her sidebar, empty", async () => {
    roomId = (await apiAs<{ id: string }>(bob.id, "POST", "/v1/rooms", { name: sideRoom, kind: "private" })).id;
    await apiAs(bob.id, "POST", `/v1/rooms/${roomId}/members`, { user_id: aliceUuid });
    await expect(sidebarEntry(a, roomId)).toContainText(sideRoom);
    await expect(sidebarEntry(a, roomId).getByTestId("conversation-preview")).toHaveText("No messages yet");
  });

  await test.step("bob posts there: alice's sidebar shows the message and an unread count, on top", async () => {
    await postAs(bob.id, roomId, `first words ${run}`);
    const entry = sidebarEntry(a, roomId);
    await expect(entry.getByTestId("conversation-preview")).toHaveText(`first words ${run}`);
    await expect(entry.getByTestId("unread-badge")).toHaveAttribute("data-count", "1");
    await expect(a.getByTestId("sidebar").getByTestId("conversation-item").first()).toHaveAttribute("data-room-id", roomId);
  });

  await test.step("bob posts in the first room: it moves back to the top of alice's sidebar", async () => {
    const firstRoomId = roomUrl.split("/").pop()!;
    await postAs(bob.id, firstRoomId, `back here ${run}`);
    await expect(sidebarEntry(a, firstRoomId).getByTestId("conversation-preview")).toHaveText(`back here ${run}`);
    await expect(a.getByTestId("sidebar").getByTestId("conversation-item").first()).toHaveAttribute("data-room-id", firstRoomId);
    await expect(sidebarEntry(a, firstRoomId).getByTestId("unread-badge")).toBeVisible();
  });

  await test.step("bob mentions alice: a mention badge shows beside the room", async () => {
    await postAs(bob.id, roomId, `@${alice.name} have a look ${run}`, { user_ids: [aliceUuid] });
    const entry = sidebarEntry(a, roomId);
    await expect(entry.getByTestId("conversation-preview")).toHaveText(`@${alice.name} have a look ${run}`);
    await expect(entry.getByTestId("mention-badge")).toBeVisible();
    await expect(entry.getByTestId("unread-badge")).toHaveAttribute("data-count", "2");
    await expect(a.getByTestId("sidebar").getByTestId("conversation-item").first()).toHaveAttribute("data-room-id", roomId);
    await shot(a, "15-sidebar-live");
  });

  await test.step("alice reads the room: its badges go", async () => {
    await sidebarEntry(a, roomId).click();
    await expect(messageByText(a, `have a look ${run}`)).toBeVisible();
    await a.getByTestId("nav-dashboard").click();
    await expect(a.getByTestId("dashboard")).toBeVisible();
    await expect(sidebarEntry(a, roomId).getByTestId("unread-badge")).toHaveCount(0);
    await expect(sidebarEntry(a, roomId).getByTestId("mention-badge")).toHaveCount(0);
  });

  await test.step("bob, its owner, may not leave while alice stays: he makes her the owner, then leaves", async () => {
    await b.goto(`/rooms/${roomId}`);
    await expect(b.getByTestId("composer-input")).toBeVisible();
    b.once("dialog", (d) => void d.accept());
    await b.getByTestId("leave-room").click();
    await expect(b.getByTestId("leave-error")).toContainText("Hand the room over first");
    // The members panel opens on its own, with the action the message names.
    const aliceRow = b.getByTestId("member-item").filter({ hasText: alice.name });
    await expect(aliceRow.getByTestId("transfer-owner")).toHaveText("Make owner");
    await shot(b, "17-leave-refused");
    b.once("dialog", (d) => void d.accept());
    await aliceRow.getByTestId("transfer-owner").click();
    await expect(aliceRow).toContainText("owner");
    await expect(b.getByTestId("member-item").filter({ hasText: bob.name })).toContainText("moderator");
    b.once("dialog", (d) => void d.accept());
    await b.getByTestId("leave-room").click();
    await expect(b).toHaveURL(/\/dashboard$/);
    await expect(sidebarEntry(b, roomId)).toHaveCount(0);
    await expect(sidebarEntry(a, roomId)).toBeVisible();
  });
});

test("the main pages pass the accessibility check in the dark theme", async () => {
  await a.emulateMedia({ colorScheme: "dark" });
  await expect(a.locator("html")).toHaveClass(/\bdark\b/);
  try {
    for (const nav of ["nav-dashboard", "nav-rooms", "nav-notes", "nav-payments", "nav-subscriptions", "nav-earnings", "nav-profile"]) {
      await a.getByTestId(nav).click();
      await expect(a.getByTestId(nav)).toHaveAttribute("aria-current", "page");
      await expect(a.getByTestId("loading")).toHaveCount(0);
      await checkA11y(a, `dark ${nav}`);
    }
    await a.goto(roomUrl);
    await expect(a.getByTestId("composer-input")).toBeVisible();
    await a.getByTestId("toggle-members").click();
    await expect(a.getByTestId("member-item")).toHaveCount(2);
    await checkA11y(a, "dark room with members");
    await a.getByTestId("member-item").filter({ hasText: bob.name }).getByRole("link").click();
    await expect(a.getByTestId("user-profile")).toBeVisible();
    await shot(a, "16-user-profile-dark");
  } finally {
    await a.emulateMedia({ colorScheme: "light" });
    await expect(a.locator("html")).not.toHaveClass(/\bdark\b/);
  }
});
