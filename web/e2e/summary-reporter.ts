// Ends the run with one plain line, `e2e: N passed, N failed` (", N skipped" when some did
// not run), as the previous runner did, for whoever reads the log's last line.
import type { FullResult, Reporter, Suite } from "@playwright/test/reporter";

export default class SummaryReporter implements Reporter {
  private suite: Suite | undefined;
  private ran = 0;

  onBegin(_config: unknown, suite: Suite) {
    this.suite = suite;
  }

  onTestEnd() {
    this.ran += 1;
  }

  onEnd(result: FullResult) {
    // `playwright test --list` runs nothing and has nothing to sum up.
    if (this.ran === 0 && result.status === "passed") return;
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    for (const t of this.suite?.allTests() ?? []) {
      const outcome = t.outcome();
      if (outcome === "expected" || outcome === "flaky") passed += 1;
      else if (outcome === "skipped") skipped += 1;
      else failed += 1;
    }
    // A run that failed outside any test (the web server, a hook, an interruption) counts once.
    if (result.status !== "passed" && failed === 0) failed = 1;
    console.log(`e2e: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
  }

  printsToStdio() {
    return false;
  }
}
