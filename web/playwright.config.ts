// End-to-end: two users chat through the real API (AUTH_MODE=dev) and this app, in Debian's
// Chromium. `npm run test:e2e`; the environment it reads is described in e2e/env.ts.
import fs from "node:fs";
import { defineConfig } from "@playwright/test";
import { BASE_URL, CHROMIUM, STEP_TIMEOUT } from "./e2e/env";

if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: apt-get install -y chromium (never a downloaded browser)`);

export default defineConfig({
  testDir: "e2e",
  // Cleaned at the start of every run; the specs' screenshots go here too.
  outputDir: "test-results",
  // The scenarios share two signed-in browsers and one API: one worker, in file order.
  workers: 1,
  fullyParallel: false,
  retries: 0,
  forbidOnly: Boolean(process.env.CI),
  timeout: 180_000,
  expect: { timeout: STEP_TIMEOUT },
  reporter: [["list"], ["./e2e/summary-reporter.ts"]],
  use: {
    baseURL: BASE_URL,
    browserName: "chromium",
    headless: true,
    viewport: { width: 1280, height: 800 },
    actionTimeout: STEP_TIMEOUT,
    navigationTimeout: STEP_TIMEOUT,
    launchOptions: {
      executablePath: CHROMIUM,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
      ],
    },
  },
  webServer: {
    // Builds when needed (the API URL is inlined at build time), then `next start`.
    command: "node e2e/web-server.mjs",
    url: BASE_URL,
    reuseExistingServer: false,
    // A cold `next build` takes minutes on two cores.
    timeout: 15 * 60_000,
    stdout: "pipe",
    stderr: "pipe",
    gracefulShutdown: { signal: "SIGTERM", timeout: 5_000 },
  },
});
