// Notion end to end, against the offline fake Notion (tests/src/notion.rs: its consent page
// and its page views): alice opens Connections from the nav (Notion not connected), starts
// connecting and cancels on Notion's consent page (she is told it was not allowed), connects
// again and allows it, and comes back to Connections told it worked, with the workspace's
// name; bob's connections stay his own, and he connects with a pasted token (a malformed one
// and one Notion refuses are explained first). A session with a record is made through the
// API; alice exports it to Notion from its record page, follows "Open in Notion" to the page
// (its title and a transcript line), exports again into the same page; then she disconnects
// and Export says to connect Notion first, with the way to Connections. Every page of ours is
// checked with axe, light and dark.
import { expect, test, type Locator, type Page } from "@playwright/test";
import { BASE_URL } from "./env";
import { apiAs, checkA11y, shot, signIn, twoUsers, withDark } from "./helpers";

const run = Math.random().toString(36).slice(2, 8);
const alice = { id: `user_e2e_notion_a_${run}`, name: `Nora ${run}` };
const bob = { id: `user_e2e_notion_b_${run}`, name: `Ben ${run}` };
const WORKSPACE = "Parley Test Workspace";
const DEV_TOKEN = "ntn_parley_dev_token";
const title = `Design review ${run}`;
const lines = [`We ship the export on Friday ${run}`, `Agreed, notes go to Notion ${run}`];

let a: Page;
let b: Page;
let sessionId = "";

twoUsers("notion", (u) => ({ a, b } = u));

const card = (page: Page): Locator => page.getByTestId("notion-card");

/** Opens Connections from the nav; the card has loaded. */
async function openConnections(page: Page) {
  await page.getByTestId("nav-connections").click();
  await expect(page).toHaveURL(/\/connections$/);
  await expect(page.getByTestId("nav-connections")).toHaveAttribute("aria-current", "page");
  await expect(page).toHaveTitle(/Connections · Parley/);
  await expect(card(page)).not.toHaveAttribute("data-status", "loading");
}

/** A session in a room of alice's, started, with two messages, then ended: a record to export. */
async function sessionWithRecord(): Promise<string> {
  const room = await apiAs<{ id: string }>(alice.id, "POST", "/v1/rooms", { name: `e2e-notion-${run}`, kind: "private" });
  const s = await apiAs<{ id: string }>(alice.id, "POST", `/v1/rooms/${room.id}/sessions`, { title });
  await apiAs(alice.id, "POST", `/v1/sessions/${s.id}/start`, {});
  for (const body of lines) await apiAs(alice.id, "POST", `/v1/rooms/${room.id}/messages`, { body, client_msg_id: crypto.randomUUID() });
  const ended = await apiAs<{ status: string }>(alice.id, "POST", `/v1/sessions/${s.id}/end`, {});
  expect(ended.status).toBe("ended");
  return s.id;
}

const exportStatus = (page: Page) => page.getByTestId("notion-export-status");

test("connect Notion, export a session record, follow it, export again, disconnect", async () => {
  await test.step("alice opens Connections from the nav: Notion is not connected", async () => {
    await signIn(a, alice);
    await openConnections(a);
    await expect(card(a)).toHaveAttribute("data-status", "disconnected");
    await expect(card(a).getByTestId("notion-status")).toHaveText("Not connected");
    await expect(a.getByTestId("notion-callback-status")).toHaveAttribute("data-outcome", "");
    await expect(card(a).getByTestId("notion-connect")).toBeEnabled();
    await shot(a, "notion-01-disconnected");
    await withDark(a, () => checkA11y(a, "notion-disconnected-dark"));
    await a.setViewportSize({ width: 390, height: 844 });
    await shot(a, "notion-01b-disconnected-phone");
    await a.setViewportSize({ width: 1280, height: 800 });
  });

  await test.step("she starts connecting and cancels on Notion's consent page: she is told", async () => {
    await card(a).getByTestId("notion-connect").click();
    await expect(a.getByTestId("fake-notion-allow")).toBeVisible();
    expect(a.url().startsWith(BASE_URL)).toBe(false);
    await a.getByRole("link", { name: "Cancel" }).click();
    await expect(a.getByTestId("notion-callback-status")).toHaveAttribute("data-outcome", "denied");
    await expect(a.getByTestId("notion-callback-message")).toHaveText(/not allowed/);
    // The outcome is taken out of the address once said.
    await expect(a).toHaveURL(/\/connections$/);
    await expect(card(a)).toHaveAttribute("data-status", "disconnected");
    await shot(a, "notion-02-denied");
    await withDark(a, () => checkA11y(a, "notion-denied-dark"));
  });

  await test.step("she connects again and allows it: back on Connections, connected to the workspace", async () => {
    await card(a).getByTestId("notion-connect").click();
    await expect(a.getByTestId("fake-notion-allow")).toBeVisible();
    await a.getByTestId("fake-notion-allow").click();
    await expect(a.getByTestId("notion-callback-status")).toHaveAttribute("data-outcome", "connected");
    await expect(a.getByTestId("notion-callback-message")).toHaveText("Notion is connected. You can now export session records to it.");
    await expect(a).toHaveURL(/\/connections$/);
    await expect(card(a)).toHaveAttribute("data-status", "connected");
    await expect(card(a).getByTestId("notion-status")).toHaveText("Connected");
    await expect(card(a).getByTestId("notion-workspace")).toHaveText(WORKSPACE);
    await expect(card(a).getByTestId("notion-connected-text")).toContainText(/ since \w+/);
    await expect(card(a).getByTestId("notion-connect")).toHaveCount(0);
    await shot(a, "notion-03-connected");
    await withDark(a, () => checkA11y(a, "notion-connected-dark"));
    await a.setViewportSize({ width: 390, height: 844 });
    await shot(a, "notion-03b-connected-phone");
    await a.setViewportSize({ width: 1280, height: 800 });
  });

  await test.step("bob's connections are his own; he connects with a pasted token", async () => {
    await signIn(b, bob);
    await openConnections(b);
    await expect(card(b)).toHaveAttribute("data-status", "disconnected");
    await card(b).getByTestId("notion-token-toggle").click();
    await expect(card(b).getByTestId("notion-token-toggle")).toHaveAttribute("aria-expanded", "true");
    const input = card(b).getByTestId("notion-token-input");
    await expect(input).toBeFocused();
    // The form's own check, then Notion's refusal (the API's 422, in words).
    await input.fill("ntn_two words");
    await card(b).getByTestId("notion-token-submit").click();
    await expect(card(b).getByTestId("notion-token-error")).toHaveText(/no spaces/);
    await expect(input).toHaveAttribute("aria-invalid", "true");
    await input.fill(`ntn_not_a_real_token_${run}`);
    await expect(card(b).getByTestId("notion-token-error")).toHaveCount(0);
    await card(b).getByTestId("notion-token-submit").click();
    await expect(card(b).getByTestId("notion-token-error")).toHaveText(/Notion did not accept this token/);
    await expect(input).toBeFocused();
    await shot(b, "notion-04-token-refused");
    await withDark(b, () => checkA11y(b, "notion-token-refused-dark"));
    await input.fill(DEV_TOKEN);
    await card(b).getByTestId("notion-token-submit").click();
    await expect(card(b)).toHaveAttribute("data-status", "connected");
    await expect(card(b).getByTestId("notion-workspace")).toHaveText(WORKSPACE);
    await expect(b.getByTestId("notion-live")).toHaveText("Notion is connected.");
    await shot(b, "notion-05-token-connected");
  });

  await test.step("a session with a record (made through the API); alice opens its record", async () => {
    sessionId = await sessionWithRecord();
    await a.goto(`/sessions/${sessionId}`);
    await expect(a.getByTestId("record-title")).toHaveText(title);
    await expect(a.getByTestId("record-header")).toHaveAttribute("data-status", "ended");
    for (const line of lines) await expect(a.getByTestId("transcript-body").filter({ hasText: line })).toBeVisible();
    await expect(exportStatus(a)).toHaveAttribute("data-status", "idle");
    await expect(a.getByTestId("record-export-notion")).toHaveText("Export to Notion");
  });

  let pageUrl = "";
  let firstUpdate = "";

  await test.step("Export to Notion: it goes on its way and is done, with a link to the page", async () => {
    await a.getByTestId("record-export-notion").click();
    await expect(exportStatus(a)).toHaveAttribute("data-status", "done");
    await expect(exportStatus(a).getByTestId("notion-export-text")).toHaveText("Exported to Notion.");
    await expect(a.getByTestId("record-export-notion")).toBeEnabled();
    const open = exportStatus(a).getByTestId("notion-export-open");
    await expect(open).toHaveAttribute("target", "_blank");
    await expect(open).toHaveAttribute("rel", "noopener noreferrer");
    await expect(open).toHaveAccessibleName(/Open in Notion/);
    pageUrl = (await open.getAttribute("href"))!;
    expect(pageUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/p\/[0-9a-f]{32}$/);
    firstUpdate = (await exportStatus(a).getAttribute("data-updated-at"))!;
    expect(firstUpdate).not.toBe("");
    await shot(a, "notion-06-exported");
    await withDark(a, () => checkA11y(a, "notion-exported-dark"));
    await a.setViewportSize({ width: 390, height: 844 });
    await shot(a, "notion-06b-exported-phone");
    await a.setViewportSize({ width: 1280, height: 800 });
  });

  await test.step("Open in Notion opens the page in a new tab: the session's title and its transcript", async () => {
    const popup = a.waitForEvent("popup");
    await exportStatus(a).getByTestId("notion-export-open").click();
    const notion = await popup;
    await expect(notion).toHaveURL(pageUrl);
    const content = notion.getByTestId("fake-notion-page");
    await expect(content.getByRole("heading", { level: 1 })).toHaveText(title);
    for (const line of lines) await expect(content).toContainText(line);
    await notion.close();
  });

  await test.step("exporting again fills the same page anew", async () => {
    await a.getByTestId("record-export-notion").click();
    // The second export is done: a later state than the first one's.
    await expect
      .poll(async () => [await exportStatus(a).getAttribute("data-status"), (await exportStatus(a).getAttribute("data-updated-at")) !== firstUpdate])
      .toEqual(["done", true]);
    await expect(exportStatus(a).getByTestId("notion-export-open")).toHaveAttribute("href", pageUrl);
    const popup = a.waitForEvent("popup");
    await exportStatus(a).getByTestId("notion-export-open").click();
    const notion = await popup;
    const content = notion.getByTestId("fake-notion-page");
    await expect(content.getByRole("heading", { level: 1 })).toHaveText(title);
    // Replaced, not added to: each line once.
    for (const line of lines) await expect(content.getByText(line)).toHaveCount(1);
    await notion.close();
  });

  await test.step("after a reload the record page still says where the export went", async () => {
    await a.reload();
    await expect(exportStatus(a)).toHaveAttribute("data-status", "done");
    await expect(exportStatus(a).getByTestId("notion-export-open")).toHaveAttribute("href", pageUrl);
  });

  await test.step("alice disconnects Notion on Connections, after confirming", async () => {
    await openConnections(a);
    await expect(card(a)).toHaveAttribute("data-status", "connected");
    await card(a).getByTestId("notion-disconnect").click();
    const dialog = a.getByTestId("notion-disconnect-dialog");
    await expect(dialog).toBeVisible();
    await expect(dialog).toContainText(WORKSPACE);
    await checkA11y(a, "notion-disconnect-dialog");
    await withDark(a, () => checkA11y(a, "notion-disconnect-dialog-dark"));
    // Changing her mind keeps it.
    await dialog.getByRole("button", { name: "Keep connected" }).click();
    await expect(dialog).toBeHidden();
    await expect(card(a)).toHaveAttribute("data-status", "connected");
    await card(a).getByTestId("notion-disconnect").click();
    await a.getByTestId("notion-disconnect-confirm").click();
    await expect(a.getByTestId("notion-disconnect-dialog")).toBeHidden();
    await expect(card(a)).toHaveAttribute("data-status", "disconnected");
    await expect(card(a).getByTestId("notion-status")).toHaveText("Not connected");
    await expect(a.getByTestId("notion-live")).toHaveText("Notion is disconnected.");
    await expect(card(a).getByTestId("notion-connect")).toBeVisible();
    await shot(a, "notion-07-disconnected-again");
  });

  await test.step("Export now says to connect Notion first, and leads to Connections", async () => {
    await a.goto(`/sessions/${sessionId}`);
    await expect(a.getByTestId("record-title")).toHaveText(title);
    await a.getByTestId("record-export-notion").click();
    await expect(exportStatus(a)).toHaveAttribute("data-status", "not_connected");
    const msg = exportStatus(a).getByTestId("notion-export-not-connected");
    await expect(msg).toContainText("Notion is not connected");
    const link = msg.getByTestId("notion-export-connect-link");
    await expect(link).toHaveText("Connect Notion first");
    await expect(link).toHaveAttribute("href", "/connections");
    await shot(a, "notion-08-not-connected");
    await withDark(a, () => checkA11y(a, "notion-not-connected-dark"));
    await link.click();
    await expect(a).toHaveURL(/\/connections$/);
    await expect(card(a)).toHaveAttribute("data-status", "disconnected");
  });
});
