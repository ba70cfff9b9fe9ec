import { QueryClient, QueryObserver } from "@tanstack/react-query";
import { describe, expect, it, vi } from "vitest";
import { patchOrRefetch } from "./sessions";

describe("patchOrRefetch", () => {
  it("asks again when an event lands while the first answer is in flight (that answer may predate it)", async () => {
    const qc = new QueryClient();
    let calls = 0;
    let release!: () => void;
    const slow = new Promise<void>((r) => (release = r));
    const observer = new QueryObserver<string>(qc, {
      queryKey: ["rooms", "r1", "sessions"],
      queryFn: async () => {
        calls += 1;
        if (calls === 1) {
          await slow;
          return "scheduled (read before the event)";
        }
        return "live";
      },
    });
    const stop = observer.subscribe(() => undefined);
    expect(qc.isFetching({ queryKey: ["rooms", "r1", "sessions"] })).toBe(1);
    patchOrRefetch<string>(qc, ["rooms", "r1", "sessions"], () => "patched");
    release();
    await vi.waitFor(() => expect(qc.getQueryData(["rooms", "r1", "sessions"])).toBe("live"));
    expect(calls).toBe(2);
    stop();
  });

  it("patches an answer already loaded", async () => {
    const qc = new QueryClient();
    qc.setQueryData(["k"], "old");
    patchOrRefetch<string>(qc, ["k"], (d) => `${d} + event`);
    expect(qc.getQueryData(["k"])).toBe("old + event");
  });

  it("leaves an answer nobody asked for alone", () => {
    const qc = new QueryClient();
    patchOrRefetch<string>(qc, ["k"], (d) => (d ? `${d}!` : d));
    expect(qc.getQueryData(["k"])).toBeUndefined();
  });
});
