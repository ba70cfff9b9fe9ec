// Short links end to end (our own codes at the API's /s/{code}; AUTH_MODE=dev lets them lead
// to this app on localhost, so following them works offline): alice opens Links from the
// nav, is told what is wrong with a URL (by the form, then by the API), shortens one of the
// app's own pages with a title, tags and a code of her own, meets a taken code, gets her
// existing link back for the same URL, copies the short URL, follows it in the browser and
// lands on the page, then sees its click counted (in the list and the chart); she filters by
// a tag, edits tags and title, deletes a link (its short URL then answers 404); on the phone
// width and in the dark theme too. Bob sees none of her links. Then the short link of a
// booking page, made from the booking settings, leads to that page. Pages are checked with
// axe, light and dark.
import { expect, test, type BrowserContext, type Locator, type Page } from "@playwright/test";
import { BASE_URL } from "./env";
import { apiAs, checkA11y, shot, shotPath, signIn, twoUsers, withDark } from "./helpers";

const run = Math.random().toString(36).slice(2, 8);
const alice = { id: `user_e2e_links_a_${run}`, name: `Lena ${run}` };
const bob = { id: `user_e2e_links_b_${run}`, name: `Omar ${run}` };
const destination = `${BASE_URL}/links?from=short`;
const other = `${BASE_URL}/dashboard?from=short-${run}`;
const title = `The links page ${run}`;
const code = `go-${run}`;

let a: Page;
let b: Page;
let ctxA: BrowserContext;

twoUsers("links", (u) => ({ a, b, ctxA } = u));

/** The row of a link in alice's list, by its code. */
const rowOf = (page: Page, linkCode: string): Locator => page.locator(`[data-testid="link-row"][data-code="${linkCode}"]`);

/** Refreshes the list until the row says `text` (clicks are written every couple of seconds). */
async function expectClicks(page: Page, row: Locator, text: string) {
  await expect(async () => {
    await page.getByTestId("links-refresh").click();
    await expect(row.getByTestId("link-clicks")).toHaveText(text, { timeout: 1_000 });
  }).toPass({ timeout: 20_000 });
}

test("shorten, copy, follow, count, filter, edit and delete links", async () => {
  let shortUrl = "";
  let otherShort = "";

  await test.step("alice opens Links from the nav: nothing yet", async () => {
    await ctxA.grantPermissions(["clipboard-read", "clipboard-write"], { origin: BASE_URL });
    await signIn(a, alice);
    await a.getByTestId("nav-links").click();
    await expect(a).toHaveURL(/\/links$/);
    await expect(a.getByTestId("nav-links")).toHaveAttribute("aria-current", "page");
    await expect(a.getByTestId("links-page")).toBeVisible();
    await expect(a).toHaveTitle(/Short links · Parley/);
    await expect(a.getByTestId("links-section").getByTestId("empty-state")).toContainText("No short links yet");
    await shot(a, "links-01-empty");
    await withDark(a, () => checkA11y(a, "links-empty-dark"));
  });

  await test.step("a URL that cannot be shortened is explained next to its field", async () => {
    const form = a.getByTestId("shorten-form");
    // The form's own check: not a full URL.
    await form.getByTestId("shorten-url").fill("example.com/page");
    await form.getByTestId("shorten-submit").click();
    await expect(form.getByTestId("link-field-error")).toHaveText(/starting with https:\/\/ or http:\/\//);
    await expect(form.getByTestId("shorten-url")).toHaveAttribute("aria-invalid", "true");
    await expect(form.getByTestId("shorten-url")).toBeFocused();
    // The API's: an address inside a network (the problem's detail, in words).
    await form.getByTestId("shorten-url").fill("http://10.0.0.1/admin");
    await expect(form.getByTestId("link-field-error")).toHaveCount(0);
    await form.getByTestId("shorten-submit").click();
    await expect(form.getByTestId("link-field-error")).toHaveText("The URL must lead to a public address, not one inside a network.");
    await shot(a, "links-02-refused");
    // An expiry too soon, told by the form.
    await form.getByTestId("shorten-url").fill(destination);
    const soon = new Date(Date.now() + 60_000);
    const local = (d: Date) =>
      `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}T${String(d.getHours()).padStart(2, "0")}:${String(d.getMinutes()).padStart(2, "0")}`;
    await form.getByTestId("shorten-expires").fill(local(soon));
    await form.getByTestId("shorten-submit").click();
    await expect(form.getByTestId("link-field-error")).toHaveText(/at least 5 minutes from now/);
    await form.getByTestId("shorten-expires").fill("");
  });

  await test.step("alice shortens a page of the app with a title, tags and her own code", async () => {
    const form = a.getByTestId("shorten-form");
    await form.getByTestId("shorten-url").fill(destination);
    await form.getByTestId("shorten-title").fill(title);
    await form.getByTestId("shorten-tags").fill("Docs, E2E ,docs");
    await form.getByTestId("shorten-code").fill(code);
    await form.getByTestId("shorten-submit").click();
    const created = a.getByTestId("link-created");
    await expect(created).toHaveAttribute("data-created", "true");
    await expect(created).toContainText("Your short link is ready.");
    shortUrl = (await created.getByTestId("link-created-url").textContent())!.trim();
    expect(shortUrl).toMatch(new RegExp(`^https?://[^/]+/s/${code}$`));
    // The form is ready for the next one.
    await expect(form.getByTestId("shorten-url")).toHaveValue("");

    const row = rowOf(a, code);
    await expect(row.getByTestId("link-row-name")).toHaveText(title);
    await expect(row.getByTestId("link-row-long-url")).toHaveAttribute("href", destination);
    await expect(row.getByTestId("link-short-url")).toHaveText(shortUrl);
    await expect(row.getByTestId("link-tag")).toHaveText(["docs", "e2e"]);
    await expect(row.getByTestId("link-clicks")).toHaveText("0 clicks");
    await expect(row.getByTestId("link-chart")).toHaveAttribute("data-total", "0");
    await expect(row.getByRole("img")).toHaveAttribute("aria-label", "No clicks in the last 30 days");
    await shot(a, "links-03-created");
  });

  await test.step("a second link (a random code, an expiry); the same URL again gives it back; a taken code is refused", async () => {
    const form = a.getByTestId("shorten-form");
    await form.getByTestId("shorten-url").fill(other);
    await form.getByTestId("shorten-tags").fill("other");
    const tomorrow = new Date(Date.now() + 86_400_000);
    const local = `${tomorrow.getFullYear()}-${String(tomorrow.getMonth() + 1).padStart(2, "0")}-${String(tomorrow.getDate()).padStart(2, "0")}T09:30`;
    await form.getByTestId("shorten-expires").fill(local);
    await form.getByTestId("shorten-submit").click();
    await expect(a.getByTestId("link-created")).toHaveAttribute("data-created", "true");
    otherShort = (await a.getByTestId("link-created-url").textContent())!.trim();
    await expect(a.getByTestId("link-row")).toHaveCount(2);
    // Newest first.
    await expect(a.getByTestId("link-row").first().getByTestId("link-short-url")).toHaveText(otherShort);
    await expect(a.getByTestId("link-row").first().getByTestId("link-expiry")).toContainText(/^Expires /);

    await form.getByTestId("shorten-url").fill(other);
    await form.getByTestId("shorten-submit").click();
    await expect(a.getByTestId("link-created")).toHaveAttribute("data-created", "false");
    await expect(a.getByTestId("link-created")).toContainText("You already had a short link for this URL");
    await expect(a.getByTestId("link-created-url")).toHaveText(otherShort);
    await expect(a.getByTestId("link-row")).toHaveCount(2);

    await form.getByTestId("shorten-url").fill(`${BASE_URL}/notes?from=${run}`);
    await form.getByTestId("shorten-code").fill(code);
    await form.getByTestId("shorten-submit").click();
    await expect(form.getByTestId("link-field-error")).toHaveText("That code is taken: pick another.");
    await expect(form.getByTestId("shorten-code")).toHaveAttribute("aria-invalid", "true");
    await expect(form.getByTestId("shorten-code")).toBeFocused();
    await checkA11y(a, "links-code-taken");
    await form.getByRole("button", { name: "Clear" }).click();
    await expect(form.getByTestId("link-field-error")).toHaveCount(0);
  });

  await test.step("alice copies the short URL", async () => {
    const row = rowOf(a, code);
    await row.getByTestId("link-copy").click();
    await expect(row.getByTestId("link-copy")).toHaveText(/Copied/);
    expect(await a.evaluate(() => navigator.clipboard.readText())).toBe(shortUrl);
    await shot(a, "links-04-copied");
  });

  await test.step("following the short link lands on its destination, and the click is counted", async () => {
    await a.goto(shortUrl);
    await expect(a).toHaveURL(destination);
    await expect(a.getByTestId("links-page")).toBeVisible();
    const row = rowOf(a, code);
    await expectClicks(a, row, "1 click");
    await expect(row.getByTestId("link-clicks")).toHaveAttribute("data-count", "1");
    // The chart: its label and its numbers as text.
    await expect(async () => {
      await a.getByTestId("links-refresh").click();
      await expect(row.getByTestId("link-chart")).toHaveAttribute("data-total", "1", { timeout: 1_000 });
    }).toPass({ timeout: 20_000 });
    await expect(row.getByRole("img")).toHaveAttribute("aria-label", "1 click in the last 30 days");
    await expect(row.getByTestId("link-chart-summary")).toHaveText("1 click in the last 30 days");
    await expect(row.locator('rect[data-clicks="1"]')).toHaveCount(1);
    await row.getByTestId("link-chart-days").locator("summary").click();
    await expect(row.getByTestId("link-chart-days").locator("tbody tr")).toHaveCount(1);
    await expect(row.getByTestId("link-chart-days").locator("tbody td").nth(1)).toHaveText("1");
    // The other link was not followed.
    await expect(rowOf(a, otherShort.split("/").pop()!).getByTestId("link-clicks")).toHaveText("0 clicks");
    await shot(a, "links-05-counted");
  });

  await test.step("a tag's chip filters the list; the filter clears", async () => {
    const row = rowOf(a, code);
    await row.locator('[data-testid="link-tag"][data-tag="docs"]').click();
    await expect(a).toHaveURL(/\/links\?tag=docs$/);
    await expect(a.getByTestId("links-filter-tag")).toHaveText("docs");
    await expect(a.getByTestId("link-row")).toHaveCount(1);
    await expect(rowOf(a, code).locator('[data-testid="link-tag"][data-tag="docs"]')).toHaveAttribute("aria-pressed", "true");
    await shot(a, "links-06-filtered");
    await a.getByTestId("links-filter-clear").click();
    await expect(a).toHaveURL(/\/links$/);
    await expect(a.getByTestId("links-filter")).toHaveCount(0);
    await expect(a.getByTestId("link-row")).toHaveCount(2);
    // A tag nobody has: the empty state says so.
    await a.goto("/links?tag=nothing-here");
    await expect(a.getByTestId("links-section").getByTestId("empty-state")).toContainText("No links tagged “nothing-here”");
    await checkA11y(a, "links-filter-empty");
    await a.getByTestId("links-filter-clear").click();
    await expect(a.getByTestId("link-row")).toHaveCount(2);
  });

  await test.step("alice edits a link's tags and title", async () => {
    const row = rowOf(a, code);
    await row.getByTestId("link-edit").click();
    const dialog = a.getByTestId("link-edit-dialog");
    await expect(dialog.getByTestId("link-edit-tags")).toHaveValue("docs, e2e");
    await expect(dialog.getByTestId("link-edit-title")).toHaveValue(title);
    // A bad tag is explained in the dialog.
    await dialog.getByTestId("link-edit-tags").fill("docs, what?");
    await dialog.getByTestId("link-edit-save").click();
    await expect(dialog.getByRole("alert")).toContainText("what?");
    await dialog.getByTestId("link-edit-tags").fill("Docs, Guide");
    await dialog.getByTestId("link-edit-title").fill(`${title} (edited)`);
    await checkA11y(a, "links-edit-dialog");
    await withDark(a, () => checkA11y(a, "links-edit-dialog-dark"));
    await dialog.getByTestId("link-edit-save").click();
    await expect(dialog).toBeHidden();
    await expect(row.getByTestId("link-tag")).toHaveText(["docs", "guide"]);
    await expect(row.getByTestId("link-row-name")).toHaveText(`${title} (edited)`);
    // The new tag filters too.
    await row.locator('[data-testid="link-tag"][data-tag="guide"]').click();
    await expect(a.getByTestId("link-row")).toHaveCount(1);
    await a.getByTestId("links-filter-clear").click();
    await expect(a.getByTestId("link-row")).toHaveCount(2);
  });

  await test.step("alice deletes a link after confirming: its short URL stops working", async () => {
    const otherCode = otherShort.split("/").pop()!;
    const row = rowOf(a, otherCode);
    await row.getByTestId("link-delete").click();
    const dialog = a.getByTestId("link-delete-dialog");
    await expect(dialog).toContainText(otherShort);
    await checkA11y(a, "links-delete-dialog");
    // Keeping it first: nothing happens.
    await dialog.getByRole("button", { name: "Keep it" }).click();
    await expect(dialog).toBeHidden();
    await expect(a.getByTestId("link-row")).toHaveCount(2);
    await row.getByTestId("link-delete").click();
    await a.getByTestId("link-delete-dialog").getByTestId("link-delete-confirm").click();
    await expect(rowOf(a, otherCode)).toHaveCount(0);
    await expect(a.getByTestId("link-row")).toHaveCount(1);
    const gone = await fetch(otherShort, { redirect: "manual" });
    expect(gone.status).toBe(404);
    // The kept one still leads on.
    const kept = await fetch(shortUrl, { redirect: "manual", headers: { "user-agent": "e2e-check-bot" } });
    expect(kept.status).toBe(302);
    expect(kept.headers.get("location")).toBe(destination);
  });

  await test.step("the page at phone width and in the dark theme", async () => {
    await rowOf(a, code).scrollIntoViewIfNeeded();
    await withDark(a, async () => {
      // The check first: it waits for the theme's colour transitions, so the picture is the settled page.
      await checkA11y(a, "links-07-dark");
      await a.screenshot({ path: shotPath("links-07-dark") });
    });
    await a.setViewportSize({ width: 390, height: 844 });
    await rowOf(a, code).scrollIntoViewIfNeeded();
    await expect(rowOf(a, code).getByTestId("link-copy")).toBeVisible();
    await expect(rowOf(a, code).getByTestId("link-chart")).toBeVisible();
    // Nothing wider than the screen: no sideways scrolling, in the page or in its main area.
    expect(await a.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    expect(await a.locator("main").evaluate((m) => m.scrollWidth - m.clientWidth)).toBeLessThanOrEqual(0);
    await shot(a, "links-08-phone");
    await withDark(a, () => checkA11y(a, "links-phone-dark"));
    await a.setViewportSize({ width: 1280, height: 800 });
  });

  await test.step("bob sees none of alice's links", async () => {
    await signIn(b, bob);
    await b.getByTestId("nav-links").click();
    await expect(b.getByTestId("links-section").getByTestId("empty-state")).toBeVisible();
    await expect(b.getByTestId("link-row")).toHaveCount(0);
    // Alice's short link still takes him where it leads.
    await b.goto(shortUrl);
    await expect(b).toHaveURL(destination);
  });
});

test("a booking page's short link, from the booking settings", async () => {
  const slug = `chat-${run}`;
  const typeTitle = `Quick chat ${run}`;
  const hostUuid = (await apiAs<{ id: string }>(alice.id, "GET", "/v1/me")).id;
  await apiAs(alice.id, "POST", "/v1/booking-types", { title: typeTitle, slug, length_minutes: 30 });
  const bookingPage = `${BASE_URL}/book/${hostUuid}/${slug}`;
  let bookingShort = "";

  await test.step("alice makes the short link of her booking type and copies it", async () => {
    await a.goto("/links");
    await a.getByTestId("nav-booking-settings").click();
    const card = a.locator(`[data-testid="type-card"][data-slug="${slug}"]`);
    await expect(card.getByTestId("type-card-title")).toHaveText(typeTitle);
    await card.getByTestId("type-card-short-link").click();
    const url = card.getByTestId("type-card-short-url");
    await expect(url).toHaveText(/^https?:\/\/[^/]+\/s\/[A-Za-z0-9_-]+$/);
    bookingShort = (await url.textContent())!.trim();
    await expect(card.getByTestId("type-card-short")).toContainText("0 clicks so far");
    await card.getByTestId("type-card-short-copy").click();
    await expect(card.getByTestId("type-card-short-copy")).toHaveText(/Copied/);
    expect(await a.evaluate(() => navigator.clipboard.readText())).toBe(bookingShort);
    await shot(a, "links-09-booking-short-link");
    await withDark(a, () => checkA11y(a, "links-booking-settings-dark"));
    // Asked again (another visit), it is the same link.
    const again = await apiAs<{ short_url: string }>(alice.id, "POST", `/v1/booking-types/${(await card.getAttribute("data-type-id"))!}/link`);
    expect(again.short_url).toBe(bookingShort);
  });

  await test.step("it shows under Links, tagged booking, and leads to the booking page", async () => {
    await a.locator(`[data-testid="type-card"][data-slug="${slug}"]`).getByTestId("type-card-short-stats").click();
    await expect(a).toHaveURL(/\/links\?tag=booking$/);
    const row = a.getByTestId("link-row");
    await expect(row).toHaveCount(1);
    await expect(row.getByTestId("link-short-url")).toHaveText(bookingShort);
    await expect(row.getByTestId("link-tag")).toHaveText(["booking"]);
    await checkA11y(a, "links-booking-tag");
    await a.goto(bookingShort);
    await expect(a).toHaveURL(bookingPage);
    await expect(a.getByTestId("book-title")).toHaveText(typeTitle);
    await a.goto("/links?tag=booking");
    await expectClicks(a, a.getByTestId("link-row"), "1 click");
  });
});
