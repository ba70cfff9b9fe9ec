// Payments end to end, in offline test mode (the project's fake Stripe serves Checkout and
// onboarding as plain HTML pages on its own origin): alice gets paid (onboarding), makes a
// tier and a subscriber-only room; bob subscribes from her creator page, joins the room,
// tips in it; alice sells a pay-per-view message that bob unlocks; what she posts or edits
// from another device opens live where it should; bob's payments and alice's earnings show
// it all, and alice refunds bob's tip from the payments she received.
import { expect, test, type Page } from "@playwright/test";
import { apiAs, checkA11y, messageByText, shot, signIn, twoUsers } from "./helpers";

const run = Math.random().toString(36).slice(2, 8);
const alice = { id: `user_e2e_palice_${run}`, name: `Alice ${run}` };
const bob = { id: `user_e2e_pbob_${run}`, name: `Bob ${run}` };
const roomName = `e2e-paid-${run}`;
const tierName = `Supporter ${run}`;
/** The fake Stripe's pages (Checkout, onboarding), on their own origin. */
const STRIPE = /^http:\/\/127\.0\.0\.1:\d+\//;

let a: Page;
let b: Page;
let aliceId = "";
let roomId = "";

twoUsers("payments", (u) => ({ a, b } = u));

/** On the fake's Checkout page: pay, and land back in the app. */
async function payAtCheckout(page: Page, amount: string) {
  await expect(page).toHaveURL(STRIPE);
  await expect(page.locator("#amount")).toHaveText(amount);
  await page.locator("#pay").click();
  await expect(page).not.toHaveURL(STRIPE);
}

async function waitSettled(page: Page) {
  await expect(page.getByTestId("checkout-return")).toHaveAttribute("data-phase", "succeeded");
}

test("creator onboarding, tiers, subscriber-only room, tips and pay-per-view", async () => {
  await test.step("both sign in", async () => {
    await signIn(a, alice);
    await signIn(b, bob);
    aliceId = (await apiAs<{ id: string }>(alice.id, "GET", "/v1/me")).id;
  });

  await test.step("alice gets paid: onboarding at Stripe, back on /payouts enabled", async () => {
    await a.getByTestId("nav-profile").click();
    const card = a.getByTestId("payout-card");
    await expect(card).toHaveAttribute("data-state", "not_started");
    await shot(a, "payments-01-get-paid");
    await card.getByTestId("get-paid").click();
    await expect(a).toHaveURL(STRIPE);
    await a.locator("#complete").click();
    await expect(a).toHaveURL(/\/payouts\?onboarding=done$/);
    await expect(a.getByTestId("payout-card")).toHaveAttribute("data-state", "enabled");
    await expect(a.getByTestId("payout-status")).toContainText("Enabled");
    await shot(a, "payments-02-enabled");
  });

  await test.step("alice creates a tier on her creator page", async () => {
    await a.goto(`/creators/${aliceId}`);
    await expect(a.getByTestId("creator-page")).toBeVisible();
    await a.getByTestId("tier-new").click();
    const form = a.getByTestId("tier-form");
    await form.getByTestId("tier-name-input").fill(tierName);
    await form.getByTestId("tier-amount").fill("4.00");
    await form.getByTestId("tier-benefits").fill("The subscribers' room\nEarly posts");
    await form.getByTestId("tier-trial").fill("0");
    await checkA11y(a, "payments-tier-dialog");
    await form.getByTestId("tier-save").click();
    await expect(a.getByTestId("tier-dialog")).toBeHidden();
    // Once in the public list (subscribe disabled on one's own page) and once under "Your tiers".
    await expect(a.getByTestId("manage-tiers").getByTestId("tier-name")).toHaveText(tierName);
    const pub = a.getByTestId("tier-card").first();
    await expect(pub.getByTestId("tier-price")).toHaveText("$4.00");
    await expect(pub.getByTestId("tier-subscribe")).toBeDisabled();
    await shot(a, "payments-03-tier");
  });

  await test.step("alice makes a room subscriber-only in its settings", async () => {
    const room = await apiAs<{ id: string }>(alice.id, "POST", "/v1/rooms", { name: roomName, kind: "public" });
    roomId = room.id;
    await a.goto(`/rooms/${roomId}`);
    await expect(a.getByTestId("room-view")).toBeVisible();
    await a.getByTestId("room-logo-edit").click();
    const select = a.getByTestId("room-required-tier");
    await expect(select.locator("option", { hasText: tierName })).toBeAttached();
    await checkA11y(a, "payments-room-settings-dialog");
    await select.selectOption({ label: `Subscribers of ${tierName} ($4.00/month)` });
    await expect.poll(async () => (await apiAs<{ required_tier_id: string | null }>(alice.id, "GET", `/v1/rooms/${roomId}`)).required_tier_id).not.toBeNull();
    await a.keyboard.press("Escape");
    await expect(a.getByTestId("room-logo-dialog")).toBeHidden();
  });

  await test.step("bob finds the room subscriber-only and subscribes on alice's page", async () => {
    await b.goto(`/rooms/${roomId}`);
    await expect(b.getByTestId("subscribers-only")).toBeVisible();
    await shot(b, "payments-04-subscribers-only");
    await b.getByTestId("subscribers-only-creator").click();
    await expect(b.getByTestId("creator-page")).toBeVisible();
    await expect(b.getByTestId("creator-name")).toHaveText(alice.name);
    await b.getByTestId("tier-card").filter({ hasText: tierName }).getByTestId("tier-subscribe").click();
    await payAtCheckout(b, "$4.00");
    await expect(b).toHaveURL(new RegExp(`/creators/${aliceId}\\?subscription_id=`));
    await waitSettled(b);
    await expect(b.getByTestId("tier-subscribed")).toBeVisible();
    await shot(b, "payments-05-subscribed");
  });

  await test.step("bob joins the room and tips alice there", async () => {
    await b.goto(`/rooms/${roomId}`);
    await b.getByTestId("join-room").click();
    await expect(b.getByTestId("room-view")).toBeVisible();
    await b.getByTestId("tip-open").click();
    const dialog = b.getByTestId("tip-dialog");
    await dialog.getByTestId("tip-amount").fill("2.50");
    await dialog.getByTestId("tip-message").fill("thanks!");
    await checkA11y(b, "payments-tip-dialog");
    await dialog.getByTestId("tip-submit").click();
    await payAtCheckout(b, "$2.50");
    await expect(b).toHaveURL(new RegExp(`/rooms/${roomId}\\?payment_id=`));
    await waitSettled(b);
    const line = `${bob.name} tipped $2.50: thanks!`;
    await expect(b.getByTestId("tip-line")).toHaveText(line);
    // Alice, in the room all along, sees it live.
    await expect(a.getByTestId("tip-line")).toHaveText(line);
    await shot(b, "payments-06-tip");
  });

  await test.step("alice posts a pay-per-view message; bob sees it locked", async () => {
    await a.getByTestId("composer-ppv-toggle").click();
    await a.getByTestId("ppv-amount").fill("3.00");
    await a.getByTestId("ppv-preview").fill(`A sneak peek ${run}`);
    await a.getByTestId("composer-input").fill(`The secret recipe ${run}`);
    await shot(a, "payments-07-ppv-composer");
    await a.getByTestId("composer-input").press("Enter");
    // The author keeps the content although the live event is locked.
    const mine = messageByText(a, `The secret recipe ${run}`);
    await expect(mine).toBeVisible();
    await expect(mine.getByTestId("message-ppv-label")).toContainText("$3.00");
    const locked = b.getByTestId("message").filter({ has: b.getByTestId("message-locked") });
    await expect(locked.getByTestId("message-preview")).toHaveText(`A sneak peek ${run}`);
    await expect(locked.getByTestId("message-unlock")).toHaveText("Unlock for $3.00");
    await expect(b.getByText(`The secret recipe ${run}`)).toHaveCount(0);
    await expect(mine).toBeVisible();
    await expect(a.getByTestId("message-locked")).toHaveCount(0);
    await shot(b, "payments-07-locked-for-bob");
  });

  await test.step("a reply to the locked message quotes its preview", async () => {
    const locked = b.getByTestId("message").filter({ has: b.getByTestId("message-locked") });
    await locked.hover();
    await locked.getByTestId("message-reply").click();
    await expect(b.getByTestId("reply-banner")).toContainText(`A sneak peek ${run}`);
    await b.getByTestId("composer-input").fill(`Can't wait ${run}`);
    await b.getByTestId("composer-input").press("Enter");
    const reply = messageByText(b, `Can't wait ${run}`);
    await expect(reply.getByTestId("message-reply-quote")).toContainText(`🔒 A sneak peek ${run}`);
    // The author's copy of the quote has the content.
    await expect(messageByText(a, `Can't wait ${run}`).getByTestId("message-reply-quote")).toContainText(`The secret recipe ${run}`);
  });

  await test.step("bob unlocks it at Checkout and reads it", async () => {
    await b.getByTestId("message-unlock").click();
    await payAtCheckout(b, "$3.00");
    await expect(b).toHaveURL(new RegExp(`/rooms/${roomId}\\?message=[0-9a-f-]{36}&payment_id=`));
    await waitSettled(b);
    await expect(messageByText(b, `The secret recipe ${run}`)).toBeVisible();
    await expect(b.getByTestId("message-locked")).toHaveCount(0);
    // The tip before it, read back from the room's log after the page load.
    await expect(b.getByTestId("tip-line")).toHaveText(`${bob.name} tipped $2.50: thanks!`);
    await shot(b, "payments-08-unlocked");
  });

  await test.step("from alice's phone: a new pay-per-view message opens on her page, an edit on bob's", async () => {
    // Room events are locked for everyone; her page fetches her own, bob's is told by his feed.
    await apiAs(alice.id, "POST", `/v1/rooms/${roomId}/messages`, {
      body: `Posted from my phone ${run}`,
      client_msg_id: `phone-${run}`,
      ppv: { amount: 300, currency: "usd" },
    });
    await expect(messageByText(a, `Posted from my phone ${run}`)).toBeVisible();
    await expect(b.getByTestId("message-locked")).toHaveCount(1);
    const history = await apiAs<{ items: { id: string; body?: string }[] }>(alice.id, "GET", `/v1/rooms/${roomId}/messages`);
    const bought = history.items.find((m) => m.body === `The secret recipe ${run}`);
    expect(bought).toBeDefined();
    await apiAs(alice.id, "PATCH", `/v1/messages/${bought!.id}`, { body: `The secret recipe, revised ${run}` });
    await expect(messageByText(b, `The secret recipe, revised ${run}`)).toBeVisible();
    await expect(messageByText(a, `The secret recipe, revised ${run}`)).toBeVisible();
  });

  await test.step("bob's payments and subscriptions", async () => {
    await b.getByTestId("nav-payments").click();
    const rows = b.getByTestId("payment-row");
    await expect(rows.and(b.locator('[data-kind="ppv"]'))).toContainText("$3.00");
    await expect(rows.and(b.locator('[data-kind="tip"]'))).toContainText("$2.50");
    await expect(rows.and(b.locator('[data-kind="subscription_invoice"]'))).toContainText("$4.00");
    await shot(b, "payments-09-history");
    await b.getByTestId("nav-subscriptions").click();
    const sub = b.getByTestId("subscription-row");
    await expect(sub).toHaveCount(1);
    await expect(sub.getByTestId("subscription-access")).toHaveText("Access");
    await expect(sub).toContainText(tierName);
    await expect(sub.getByTestId("subscription-next")).toContainText("Renews on");
    await shot(b, "payments-10-subscriptions");
    // Billing is Stripe's portal, which links back here.
    await sub.getByTestId("subscription-portal").click();
    await expect(b).toHaveURL(STRIPE);
    await b.locator("#return").click();
    await expect(b).toHaveURL(/\/subscriptions$/);
    // Cancel: it ends at the period's end, with access until then.
    b.once("dialog", (d) => void d.accept());
    await b.getByTestId("subscription-cancel").click();
    await expect(sub.getByTestId("subscription-next")).toContainText("Ends on");
    await expect(sub.getByTestId("subscription-access")).toHaveText("Access");
    await expect(sub.getByTestId("subscription-cancel")).toHaveCount(0);
  });

  await test.step("alice's earnings", async () => {
    await a.getByTestId("nav-earnings").click();
    const usd = a.locator('[data-testid="totals-row"][data-currency="usd"]');
    await expect(usd).toContainText("$9.50");
    for (const kind of ["tip", "ppv", "subscription_invoice"]) {
      await expect(a.locator(`[data-testid="earnings-kind"][data-kind="${kind}"]`)).toBeVisible();
    }
    const month = new Date().toISOString().slice(0, 7);
    const bar = a.locator(`[data-testid="earnings-bar"][data-month="${month}"]`);
    await expect(bar).toBeVisible();
    expect(Number(await bar.getAttribute("data-net"))).toBeGreaterThan(0);
    await shot(a, "payments-11-earnings");
  });

  await test.step("alice refunds bob's tip from the payments she received, in two parts", async () => {
    const received = a.getByTestId("received-payments");
    await expect(received.getByTestId("received-row")).toHaveCount(3);
    const tip = received.locator('[data-testid="received-row"][data-kind="tip"]');
    await expect(tip).toHaveAttribute("data-status", "succeeded");
    await expect(tip.getByTestId("received-amount")).toHaveText("$2.50");
    await expect(tip).toContainText(bob.name);
    // Part of it first: the confirm step takes an optional amount.
    await tip.getByTestId("refund-open").click();
    const dialog = a.getByTestId("refund-dialog");
    await expect(dialog.getByTestId("refund-form")).toContainText("$2.50");
    await dialog.getByTestId("refund-amount").fill("1.00");
    await shot(a, "payments-12-refund-dialog");
    await dialog.getByTestId("refund-confirm").click();
    await expect(dialog).toBeHidden();
    await expect(tip).toHaveAttribute("data-status", "partially_refunded");
    await expect(tip.getByTestId("received-status")).toHaveText("Partly refunded");
    await expect(tip.getByTestId("received-refunded")).toHaveText("−$1.00 refunded");
    // Then what is left (no amount typed).
    await tip.getByTestId("refund-open").click();
    await a.getByTestId("refund-dialog").getByTestId("refund-confirm").click();
    await expect(tip).toHaveAttribute("data-status", "refunded");
    await expect(tip.getByTestId("received-status")).toHaveText("Refunded");
    await expect(tip.getByTestId("received-refunded")).toHaveText("−$2.50 refunded");
    await expect(tip.getByTestId("refund-open")).toHaveCount(0);
    // The others are untouched, and the totals count the refund.
    await expect(received.locator('[data-testid="received-row"][data-kind="ppv"]')).toHaveAttribute("data-status", "succeeded");
    await expect(a.locator('[data-testid="totals-row"][data-currency="usd"]')).toContainText(/[-−]\$2\.50/);
    await shot(a, "payments-13-refunded");
    // Bob sees it refunded in his payments.
    await b.getByTestId("nav-payments").click();
    await expect(b.getByTestId("payment-row").and(b.locator('[data-kind="tip"]'))).toHaveAttribute("data-status", "refunded");
  });
});
