// The dev pages' route handlers (app/dev/{mail,sms}/…), with the services' answers faked:
// where they read the services' addresses (at request time), that a production server
// without them answers 404, and what they pass on.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { GET as mailList } from "@/app/dev/mail/data/route";
import { GET as attachment } from "@/app/dev/mail/data/[id]/attachment/[file]/route";
import { GET as smsList } from "@/app/dev/sms/data/route";
import { POST as reply } from "@/app/dev/sms/reply/route";
import { devServiceUrl } from "./dev-services";

const fetchMock = vi.fn<typeof fetch>();

beforeEach(() => {
  vi.stubGlobal("fetch", fetchMock);
  fetchMock.mockReset();
});

afterEach(() => {
  vi.unstubAllEnvs();
  vi.unstubAllGlobals();
});

const calledUrl = (i = 0) => String(fetchMock.mock.calls[i]?.[0]);
const params = <T>(p: T) => ({ params: Promise.resolve(p) });

describe("devServiceUrl", () => {
  it("reads the variables, without a trailing slash", () => {
    expect(devServiceUrl("maildev", { MAILDEV_API: "http://127.0.0.1:12081/api/", NODE_ENV: "production" })).toBe("http://127.0.0.1:12081/api");
    expect(devServiceUrl("twilio", { FAKE_TWILIO_URL: "http://127.0.0.1:12132", NODE_ENV: "production" })).toBe("http://127.0.0.1:12132");
  });

  it("falls back to the usual local addresses outside production only", () => {
    expect(devServiceUrl("maildev", { NODE_ENV: "development" })).toBe("http://127.0.0.1:1080/api");
    expect(devServiceUrl("twilio", { NODE_ENV: "test" })).toBe("http://127.0.0.1:12131");
    expect(devServiceUrl("maildev", { NODE_ENV: "production" })).toBeNull();
    expect(devServiceUrl("twilio", { NODE_ENV: "production", FAKE_TWILIO_URL: " " })).toBeNull();
  });

  it("refuses what is not an http URL", () => {
    expect(devServiceUrl("maildev", { MAILDEV_API: "file:///etc", NODE_ENV: "development" })).toBeNull();
  });
});

describe("the routes", () => {
  it("answer 404 on a production server without the services", async () => {
    vi.stubEnv("NODE_ENV", "production");
    vi.stubEnv("MAILDEV_API", "");
    vi.stubEnv("FAKE_TWILIO_URL", "");
    for (const res of [
      await mailList(),
      await smsList(),
      await attachment(new Request("http://localhost/x"), params({ id: "abc", file: "x.ics" })),
      await reply(new Request("http://localhost/x", { method: "POST", headers: { "content-type": "application/json" }, body: "{}" })),
    ]) {
      expect(res.status).toBe(404);
      expect(await res.json()).toEqual({ error: "dev only" });
    }
    expect(fetchMock).not.toHaveBeenCalled();
  });

  it("list MailDev's mails newest first, from the address set at request time", async () => {
    vi.stubEnv("NODE_ENV", "production");
    vi.stubEnv("MAILDEV_API", "http://127.0.0.1:12081/api");
    fetchMock.mockResolvedValue(Response.json([{ id: "a1", subject: "first" }, { id: "b2", subject: "second" }]));
    const res = await mailList();
    expect(calledUrl()).toBe("http://127.0.0.1:12081/api/email");
    expect(res.headers.get("cache-control")).toBe("no-store");
    const body = (await res.json()) as { items: { id: string }[] };
    expect(body.items.map((m) => m.id)).toEqual(["b2", "a1"]);
  });

  it("say so when MailDev does not answer", async () => {
    vi.stubEnv("MAILDEV_API", "http://127.0.0.1:9/api");
    fetchMock.mockRejectedValue(new TypeError("fetch failed"));
    const res = await mailList();
    expect(res.status).toBe(502);
    expect(((await res.json()) as { error: string }).error).toMatch(/MailDev did not answer at http:\/\/127\.0\.0\.1:9\/api/);
  });

  it("fetch an attachment by MailDev's generated name, as a download never sniffed", async () => {
    vi.stubEnv("MAILDEV_API", "http://127.0.0.1:12081/api");
    fetchMock.mockResolvedValue(new Response("BEGIN:VCALENDAR", { headers: { "content-type": "text/calendar" } }));
    const res = await attachment(new Request("http://localhost/x?name=invite.ics"), params({ id: "a1", file: "6b1b.ics" }));
    expect(calledUrl()).toBe("http://127.0.0.1:12081/api/email/a1/attachment/6b1b.ics");
    expect(res.headers.get("content-type")).toBe("text/calendar");
    expect(res.headers.get("content-disposition")).toBe('attachment; filename="invite.ics"');
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(await res.text()).toBe("BEGIN:VCALENDAR");
    const bad = await attachment(new Request("http://localhost/x"), params({ id: "..", file: "x" }));
    expect(bad.status).toBe(404);
    expect(fetchMock).toHaveBeenCalledTimes(1);
  });

  it("list the fake Twilio's texts and pass a reply on", async () => {
    vi.stubEnv("FAKE_TWILIO_URL", "http://127.0.0.1:12132");
    fetchMock.mockResolvedValueOnce(Response.json([{ sid: "SM1", direction: "inbound", to: "+1", from: "+15551234567", body: "STOP", status: "received", date_created: "Tue, 08 Dec 2026 03:45:07 +0000" }]));
    const list = (await (await smsList()).json()) as { items: { sid: string }[] };
    expect(calledUrl()).toBe("http://127.0.0.1:12132/_fake/messages");
    expect(list.items.map((t) => t.sid)).toEqual(["SM1"]);

    fetchMock.mockResolvedValueOnce(Response.json({ status: 200 }));
    const ok = await reply(
      new Request("http://localhost/dev/sms/reply", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ from: " +15551234567 ", body: "STOP" }) }),
    );
    expect(await ok.json()).toEqual({ status: 200 });
    expect(calledUrl(1)).toBe("http://127.0.0.1:12132/_fake/reply");
    expect(JSON.parse(String(fetchMock.mock.calls[1][1]?.body))).toEqual({ from: "+15551234567", body: "STOP" });
  });

  it("refuse a reply that is not JSON, or not a number and a body", async () => {
    vi.stubEnv("FAKE_TWILIO_URL", "http://127.0.0.1:12132");
    const form = await reply(new Request("http://localhost/x", { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "from=x" }));
    expect(form.status).toBe(415);
    const bad = await reply(new Request("http://localhost/x", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ from: "555", body: "STOP" }) }));
    expect(bad.status).toBe(422);
    expect(fetchMock).not.toHaveBeenCalled();
  });
});
