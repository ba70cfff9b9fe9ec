import { describe, expect, it } from "vitest";
import { messageRequest } from "./use-pending-sends";

describe("messageRequest", () => {
  const base = { client_msg_id: "c1", reply_to: null, mentions: undefined };

  it("leaves out the body of an attachment-only message", () => {
    const r = messageRequest({ ...base, body: "", attachments: [{ id: "f1", name: "a.pdf" }] });
    expect(r).toEqual({ client_msg_id: "c1", attachment_ids: ["f1"] });
    expect("body" in r).toBe(false);
  });

  it("sends the body, reply and attachments when there are some", () => {
    expect(messageRequest({ ...base, body: "hi", reply_to: "m1", attachments: [] })).toEqual({
      body: "hi",
      client_msg_id: "c1",
      reply_to: "m1",
    });
  });

  it("sends a pay-per-view price with the body", () => {
    expect(messageRequest({ ...base, body: "secret", ppv: { amount: 500, currency: "usd", preview: "teaser" } })).toEqual({
      body: "secret",
      client_msg_id: "c1",
      ppv: { amount: 500, currency: "usd", preview: "teaser" },
    });
  });
});
