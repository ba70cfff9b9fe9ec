// End-to-end: two users chat through the real API (AUTH_MODE=dev) and this app.
// Needs: an API at API_URL, Debian's Chromium at CHROMIUM_PATH. Starts `next start` itself,
// building first when the existing build was made for another API URL.
// The API must allow the app's origin (CORS_ORIGINS, default http://localhost:3000 = WEB_PORT).
// E2E_MOCK_API=1 starts the in-memory stand-in (e2e/mock-api.mjs) instead of using API_URL.
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const webDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const outDir = path.join(webDir, "test-results");
const CHROMIUM = process.env.CHROMIUM_PATH || "/usr/bin/chromium";
const STEP_TIMEOUT = Number(process.env.E2E_TIMEOUT_MS || 15_000);
fs.mkdirSync(outDir, { recursive: true });
for (const f of fs.readdirSync(outDir)) if (f.endsWith(".png")) fs.rmSync(path.join(outDir, f));

const children = [];
let browser;

function log(...a) {
  console.log(`[e2e ${new Date().toISOString().slice(11, 19)}]`, ...a);
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function portFree(port) {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once("error", () => resolve(false));
    s.listen(port, "localhost", () => s.close(() => resolve(true)));
  });
}

async function waitFor(fn, what, timeout = 60_000) {
  const end = Date.now() + timeout;
  let last;
  while (Date.now() < end) {
    try {
      if (await fn()) return;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${last.message}` : ""}`);
}

async function cleanup() {
  try {
    await browser?.close();
  } catch {
    /* already gone */
  }
  for (const c of children) {
    try {
      process.kill(-c.pid, "SIGTERM");
    } catch {
      /* exited */
    }
  }
}

async function startApi() {
  if (!process.env.E2E_MOCK_API) return (process.env.API_URL || "http://127.0.0.1:8080").replace(/\/+$/, "");
  // A fixed port keeps the build (which inlines the API URL) reusable between runs.
  const port = Number(process.env.MOCK_API_PORT || 18099);
  const child = spawn(process.execPath, [path.join(webDir, "e2e/mock-api.mjs")], {
    env: { ...process.env, PORT: String(port) },
    stdio: ["ignore", "inherit", "inherit"],
    detached: true,
  });
  children.push(child);
  const url = `http://127.0.0.1:${port}`;
  await waitFor(async () => (await fetch(`${url}/v1/me`)).status === 401, "mock API", 15_000);
  log("mock API on", url);
  return url;
}

function newestSourceMtime() {
  let newest = 0;
  const walk = (p) => {
    const st = fs.statSync(p);
    if (st.isDirectory()) for (const e of fs.readdirSync(p)) walk(path.join(p, e));
    else newest = Math.max(newest, st.mtimeMs);
  };
  for (const p of ["src", "package.json", "next.config.ts", "postcss.config.mjs", "tsconfig.json"]) {
    const full = path.join(webDir, p);
    if (fs.existsSync(full)) walk(full);
  }
  return newest;
}

function builtClientContains(needle) {
  const dir = path.join(webDir, ".next", "static", "chunks");
  const walk = (d) =>
    fs.readdirSync(d, { withFileTypes: true }).some((e) => {
      const p = path.join(d, e.name);
      return e.isDirectory() ? walk(p) : e.name.endsWith(".js") && fs.readFileSync(p, "utf8").includes(needle);
    });
  try {
    return walk(dir);
  } catch {
    return false;
  }
}

function ensureBuild(apiUrl) {
  const marker = path.join(webDir, ".next", "parley-api-url");
  const buildId = path.join(webDir, ".next", "BUILD_ID");
  // A build older than the sources is stale whatever it was built for.
  const hasBuild = fs.existsSync(buildId) && newestSourceMtime() <= fs.statSync(buildId).mtimeMs;
  if (hasBuild && !process.env.E2E_REBUILD && fs.existsSync(marker) && fs.readFileSync(marker, "utf8") === apiUrl) return;
  // A plain `npm run build` leaves no marker: reuse it when its client code has this API URL inlined.
  // (A build made with Clerk keys cannot be told apart this way: E2E_REBUILD=1 forces a build.)
  if (hasBuild && !process.env.E2E_REBUILD && builtClientContains(JSON.stringify(apiUrl))) {
    fs.writeFileSync(marker, apiUrl);
    return;
  }
  log(`building the app for NEXT_PUBLIC_API_URL=${apiUrl} (NEXT_PUBLIC_* is inlined at build time)…`);
  const env = { ...process.env, NEXT_PUBLIC_API_URL: apiUrl, NEXT_TELEMETRY_DISABLED: "1", NEXT_IGNORE_INCORRECT_LOCKFILE: "1" };
  // The dev sign-in is what this test drives: build without Clerk.
  delete env.NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY;
  delete env.CLERK_SECRET_KEY;
  const r = spawnSync(process.execPath, [path.join(webDir, "node_modules/next/dist/bin/next"), "build"], { cwd: webDir, env, stdio: "inherit" });
  if (r.status !== 0) throw new Error("next build failed");
  fs.writeFileSync(marker, apiUrl);
}

async function startWeb(apiUrl) {
  // The API allows cross-origin calls only from CORS_ORIGINS (default http://localhost:3000),
  // so the app runs on a fixed port; WEB_PORT=0 picks a free one (for an API allowing it).
  const port = process.env.WEB_PORT === "0" ? await freePort() : Number(process.env.WEB_PORT || 3000);
  if (!(await portFree(port))) throw new Error(`port ${port} is busy: stop what runs there or set WEB_PORT (and the API's CORS_ORIGINS)`);
  const env = { ...process.env, NEXT_PUBLIC_API_URL: apiUrl, NEXT_TELEMETRY_DISABLED: "1", NEXT_IGNORE_INCORRECT_LOCKFILE: "1", PORT: String(port) };
  delete env.NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY;
  delete env.CLERK_SECRET_KEY;
  const child = spawn(process.execPath, [path.join(webDir, "node_modules/next/dist/bin/next"), "start", "-H", "localhost", "-p", String(port)], {
    cwd: webDir,
    env,
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  children.push(child);
  let out = "";
  child.stdout.on("data", (d) => (out += d));
  child.stderr.on("data", (d) => (out += d));
  const base = `http://localhost:${port}`;
  try {
    await waitFor(async () => (await fetch(base)).ok, "next start", 60_000);
  } catch (e) {
    console.error(out);
    throw e;
  }
  log("web on", base);
  return base;
}

// ---- page helpers -------------------------------------------------------------------

const tid = (page, id) => page.locator(`[data-testid="${id}"]`);

async function shot(page, name) {
  await page.screenshot({ path: path.join(outDir, `${name}.png`), fullPage: false });
}

async function signIn(page, base, userId, name) {
  await page.goto(`${base}/sign-in`);
  await tid(page, "dev-user-id").fill(userId);
  await tid(page, "dev-display-name").fill(name);
  await tid(page, "dev-sign-in-submit").click();
  await page.waitForURL(/\/dashboard$/, { timeout: STEP_TIMEOUT });
  await tid(page, "dashboard").waitFor({ timeout: STEP_TIMEOUT });
}

async function waitLive(page) {
  await page.locator('[data-testid="connection-status"][data-status="open"]').first().waitFor({ state: "attached", timeout: STEP_TIMEOUT });
}

async function send(page, text) {
  await tid(page, "composer-input").fill(text);
  await tid(page, "composer-input").press("Enter");
}

function messageByText(page, text) {
  return page.locator('[data-testid="message"]', { has: page.locator('[data-testid="message-body"]', { hasText: text }) });
}

async function countExact(page, text) {
  return page.locator('[data-testid="message-body"]').evaluateAll(
    (els, t) => els.filter((e) => (e.firstChild?.textContent ?? "").trim() === t).length,
    text,
  );
}

// ---- the scenario -------------------------------------------------------------------

async function chatScenario(base) {
  const run = Math.random().toString(36).slice(2, 8);
  const launchArgs = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: launchArgs });
  const ctxA = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const ctxB = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const a = await ctxA.newPage();
  const b = await ctxB.newPage();
  for (const [p, who] of [[a, "alice"], [b, "bob"]]) {
    p.setDefaultTimeout(STEP_TIMEOUT);
    p.on("pageerror", (e) => log(`${who} page error:`, e.message));
  }

  const step = async (name, fn) => {
    log("→", name);
    await fn();
  };

  await step("landing page renders", async () => {
    await a.goto(base);
    await tid(a, "landing-title").waitFor();
    await shot(a, "01-landing");
  });

  await step("both users sign in with the dev sign-in page", async () => {
    await signIn(a, base, `user_e2e_alice_${run}`, `Alice ${run}`);
    await signIn(b, base, `user_e2e_bob_${run}`, `Bob ${run}`);
    await shot(a, "02-dashboard");
  });

  const roomName = `e2e-room-${run}`;
  let roomUrl;
  await step("alice creates a public room", async () => {
    await a.goto(`${base}/rooms`);
    await tid(a, "room-directory").waitFor();
    await tid(a, "create-room-open").click();
    await tid(a, "create-room-name").fill(roomName);
    await tid(a, "create-room-description").fill("Made by the e2e test");
    await tid(a, "create-room-submit").click();
    await a.waitForURL(/\/rooms\/[0-9a-f-]{36}$/);
    roomUrl = a.url();
    await tid(a, "room-view").waitFor();
  });

  await step("bob finds the room in the directory and joins", async () => {
    await b.goto(`${base}/rooms`);
    await tid(b, "room-search").fill(roomName);
    const item = b.locator(`[data-testid="room-item"][data-room-name="${roomName}"]`);
    await item.waitFor();
    await shot(b, "03-directory");
    await item.locator('[data-testid="room-join"]').click();
    await b.waitForURL(roomUrl);
    await tid(b, "composer-input").waitFor();
    await waitLive(a);
    await waitLive(b);
  });

  await step("messages appear live in the other window", async () => {
    await send(a, `hello from alice ${run}`);
    await messageByText(b, `hello from alice ${run}`).waitFor();
    await send(b, `hi alice ${run}`);
    await messageByText(a, `hi alice ${run}`).waitFor();
  });

  await step("bob reacts and alice sees it", async () => {
    const msg = messageByText(b, `hello from alice ${run}`);
    await msg.hover();
    await msg.locator('[data-testid="message-react"]').click();
    await msg.locator('[data-testid="reaction-option"]').first().click();
    await messageByText(a, `hello from alice ${run}`).locator('[data-testid="reaction-chip"][data-count="1"]').waitFor();
  });

  await step("alice edits her message and bob sees the edit", async () => {
    const msg = messageByText(a, `hello from alice ${run}`);
    await msg.hover();
    await msg.locator('[data-testid="message-edit"]').click();
    await tid(a, "edit-input").fill(`hello (edited) from alice ${run}`);
    await tid(a, "edit-input").press("Enter");
    const edited = messageByText(b, `hello (edited) from alice ${run}`);
    await edited.waitFor();
    await edited.locator('[data-testid="message-edited"]').waitFor();
  });

  await step("alice sees bob typing", async () => {
    // The API forwards at most one typing frame per 2 s per connection and the composer sends
    // one per 2.5 s: typing for ~4 s sends a frame the API forwards, whenever bob's last
    // one was. Wait for the indicator while the keys are still being pressed.
    const typing = tid(b, "composer-input").pressSequentially("I am typing a rather long reply", { delay: 130 });
    await a.locator('[data-testid="typing-indicator"]', { hasText: "typing" }).waitFor();
    await typing;
    await tid(b, "composer-input").fill("");
    await shot(a, "04-room-alice");
    await shot(b, "05-room-bob");
  });

  const missed = [1, 2, 3].map((n) => `missed ${n} ${run}`);
  await step("bob goes offline while alice sends", async () => {
    await ctxB.setOffline(true);
    try {
      await b.locator('[data-testid="connection-status"][data-status="offline"]').first().waitFor({ state: "attached", timeout: 3000 });
    } catch {
      // Some Chromium builds do not fire `offline` under emulation: tell the app directly.
      log("no offline event from the browser; dispatching one");
      await b.evaluate(() => window.dispatchEvent(new Event("offline")));
      await b.locator('[data-testid="connection-status"][data-status="offline"]').first().waitFor({ state: "attached" });
    }
    for (const text of missed) {
      await send(a, text);
      await messageByText(a, text).waitFor();
    }
    // Nothing may leak through a socket that should be closed.
    await b.waitForTimeout(500);
    for (const text of missed) if ((await countExact(b, text)) !== 0) throw new Error(`offline page received "${text}"`);
    await shot(b, "06-offline-bob");
  });

  await step("bob comes back and shows each missed message exactly once, in order", async () => {
    await ctxB.setOffline(false);
    try {
      await waitLive(b);
    } catch {
      log("no online event from the browser; dispatching one");
      await b.evaluate(() => window.dispatchEvent(new Event("online")));
      await waitLive(b);
    }
    for (const text of missed) await messageByText(b, text).waitFor();
    // A room's events reach a socket in order: once a later message is shown, any duplicate
    // of the missed ones from the resume would already be on the page.
    const marker = `after resume ${run}`;
    await send(a, marker);
    await messageByText(b, marker).waitFor();
    for (const text of missed) {
      const n = await countExact(b, text);
      if (n !== 1) throw new Error(`"${text}" shown ${n} times on the reconnected page`);
    }
    const seqs = await b.locator('[data-testid="message"]').evaluateAll((els) => els.map((e) => Number(e.getAttribute("data-seq"))));
    for (let i = 1; i < seqs.length; i++) if (!(seqs[i] > seqs[i - 1])) throw new Error(`messages out of order: ${seqs.join(",")}`);
    const bodies = await b.locator('[data-testid="message-body"]').allTextContents();
    const idx = missed.map((t) => bodies.findIndex((x) => x.trim() === t));
    if (!(idx[0] < idx[1] && idx[1] < idx[2])) throw new Error(`missed messages out of order: ${idx}`);
    await shot(b, "07-resumed-bob");
  });

  await step("profile, dashboard badges and a phone-width room", async () => {
    await b.goto(`${base}/profile`);
    await tid(b, "profile-page").waitFor();
    await shot(b, "08-profile");
    // Bob is on another page: alice's next message counts as unread for him.
    await send(a, `unread ping ${run}`);
    await b.goto(`${base}/dashboard`);
    await tid(b, "dashboard").locator('[data-testid="conversation-item"]', { hasText: roomName }).locator('[data-testid="unread-badge"]').waitFor();
    await shot(b, "09-dashboard-unread");
    await a.setViewportSize({ width: 390, height: 844 });
    await shot(a, "10-room-phone");
    await a.emulateMedia({ colorScheme: "dark" });
    await a.goto(roomUrl);
    await tid(a, "room-view").waitFor();
    await shot(a, "11-room-phone-dark");
    await a.setViewportSize({ width: 1280, height: 800 });
    await a.emulateMedia({ colorScheme: "light" });
  });
  return { a, b, base, roomUrl, run };
}

/** Second test: replies, deletes, the member list and a DM started from a profile. */
async function extrasScenario({ a, b, roomUrl, run }) {
  const step = async (name, fn) => {
    log("→", name);
    await fn();
  };
  await a.goto(roomUrl);
  await b.goto(roomUrl);
  await waitLive(a);
  await waitLive(b);

  await step("bob replies to alice and alice sees the quote", async () => {
    const msg = messageByText(b, `hi alice ${run}`);
    await msg.hover();
    await msg.locator('[data-testid="message-reply"]').click();
    await tid(b, "reply-banner").waitFor();
    await send(b, `a reply ${run}`);
    const reply = messageByText(a, `a reply ${run}`);
    await reply.locator('[data-testid="message-reply-quote"]', { hasText: `hi alice ${run}` }).waitFor();
  });

  await step("bob deletes his message and alice sees it go", async () => {
    await send(b, `to be deleted ${run}`);
    await messageByText(a, `to be deleted ${run}`).waitFor();
    const msg = messageByText(b, `to be deleted ${run}`);
    await msg.hover();
    await msg.locator('[data-testid="message-delete"]').click();
    await tid(b, "confirm-delete-button").click();
    await waitFor(async () => (await countExact(a, `to be deleted ${run}`)) === 0, "deleted message to disappear", STEP_TIMEOUT);
  });

  await step("the member list shows both, with owner tools for alice", async () => {
    await tid(a, "toggle-members").click();
    await tid(a, "member-panel").waitFor();
    await waitFor(async () => (await a.locator('[data-testid="member-item"]').count()) === 2, "two members", STEP_TIMEOUT);
    await tid(a, "kick-member").first().waitFor();
    await tid(a, "invite-search").waitFor();
    await shot(a, "12-members");
  });

  await step("bob opens alice's profile and starts a DM", async () => {
    await messageByText(b, `hi alice ${run}`).waitFor();
    await b.locator('[data-testid="message"]', { has: b.locator('[data-testid="message-author"]', { hasText: `Alice ${run}` }) })
      .first()
      .locator('[data-testid="message-author"]')
      .click();
    await b.waitForURL(/\/users\//);
    await tid(b, "user-profile").waitFor();
    await shot(b, "13-user-profile");
    await tid(b, "start-dm").click();
    await b.waitForURL(/\/rooms\/[0-9a-f-]{36}$/);
    if (b.url() === roomUrl) throw new Error("DM opened the group room");
    await tid(b, "composer-input").waitFor();
    await waitLive(b);
    await send(b, `psst ${run}`);
    await messageByText(b, `psst ${run}`).waitFor();
    await a.goto(b.url());
    await messageByText(a, `psst ${run}`).waitFor();
    await shot(a, "14-dm");
  });
}

async function failureShots() {
  try {
    for (const [i, ctx] of (browser?.contexts() ?? []).entries())
      for (const p of ctx.pages()) await p.screenshot({ path: path.join(outDir, `failure-${i}.png`) });
  } catch {
    /* best effort */
  }
}

async function main() {
  let passed = 0;
  let failed = 0;
  try {
    if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: apt-get install -y chromium (never a downloaded browser)`);
    const apiUrl = await startApi();
    try {
      await fetch(`${apiUrl}/v1/me`);
    } catch (e) {
      throw new Error(`API not reachable at ${apiUrl} (${e.message}); start it with AUTH_MODE=dev or set API_URL`);
    }
    ensureBuild(apiUrl);
    const base = await startWeb(apiUrl);
    const ctx = await chatScenario(base);
    passed += 1;
    log("✓ two users chat live and resume after going offline");
    try {
      await extrasScenario(ctx);
      passed += 1;
      log("✓ replies, deletes, members and a DM from a profile");
    } catch (e) {
      failed += 1;
      console.error("✗ extras scenario failed:", e?.stack || e);
      await failureShots();
    }
  } catch (e) {
    failed += 1;
    console.error("✗ chat scenario failed:", e?.stack || e);
    await failureShots();
  } finally {
    await cleanup();
  }
  console.log(`e2e: ${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

process.on("SIGINT", () => void cleanup().then(() => process.exit(130)));
main();
