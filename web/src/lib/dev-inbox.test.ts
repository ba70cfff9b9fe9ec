import { describe, expect, it } from "vitest";
import {
  addressText,
  caughtTexts,
  filterByRecipient,
  isAttachmentName,
  isCalendar,
  isE164,
  isMailId,
  newestMailFirst,
  replyProblem,
  sizeText,
  toCaughtMail,
} from "./dev-inbox";

// As MailDev 3's GET /api/email gives them (arrival order), trimmed.
const maildev = [
  {
    id: "aaaa1111",
    time: "2027-03-01T10:00:00.000Z",
    read: false,
    subject: "Booked: Intro call with Hana, Thu 4 Mar 2027, 18:30 (Asia/Tokyo)",
    from: [{ address: "parley@localhost", name: "Parley" }],
    to: [{ address: "kenji@example.com", name: "Kenji" }],
    text: "Hello Kenji",
    html: "<p>Hello Kenji</p>",
    headers: {},
    attachments: [
      { filename: "invite.ics", generatedFileName: "6b1b36cbb04b41490bfc0ab2bfa26f86.ics", contentType: "text/calendar", contentDisposition: "attachment", size: 612 },
    ],
  },
  {
    id: "bbbb2222",
    time: "2027-03-01T10:00:00.000Z",
    subject: "Booked: Intro call with Kenji, Thu 4 Mar 2027, 10:30 (Europe/Paris)",
    from: [{ address: "parley@localhost", name: "Parley" }],
    to: [{ address: "hana@example.com", name: "" }],
    attachments: [],
  },
  { subject: "no id: not a mail" },
];

describe("MailDev's e-mails", () => {
  it("come newest first, in the page's shape", () => {
    const mails = newestMailFirst(maildev);
    expect(mails.map((m) => m.id)).toEqual(["bbbb2222", "aaaa1111"]);
    expect(mails[1]).toEqual({
      id: "aaaa1111",
      subject: "Booked: Intro call with Hana, Thu 4 Mar 2027, 18:30 (Asia/Tokyo)",
      from: [{ address: "parley@localhost", name: "Parley" }],
      to: [{ address: "kenji@example.com", name: "Kenji" }],
      time: "2027-03-01T10:00:00.000Z",
      text: "Hello Kenji",
      html: "<p>Hello Kenji</p>",
      attachments: [{ filename: "invite.ics", generatedFileName: "6b1b36cbb04b41490bfc0ab2bfa26f86.ics", contentType: "text/calendar", size: 612 }],
    });
    expect(mails[0]).toMatchObject({ text: "", html: "", attachments: [] });
  });

  it("copes with what is not a list, and with missing fields", () => {
    expect(newestMailFirst({ error: "x" })).toEqual([]);
    expect(toCaughtMail({ id: "x", time: "not a time", to: [{ name: "no address" }] })).toMatchObject({ time: "", to: [], subject: "" });
  });

  it("are filtered by recipient: part of the address or the name, any case", () => {
    const mails = newestMailFirst(maildev);
    expect(filterByRecipient(mails, " KENJI@example ").map((m) => m.id)).toEqual(["aaaa1111"]);
    expect(filterByRecipient(mails, "kenji").map((m) => m.id)).toEqual(["aaaa1111"]);
    expect(filterByRecipient(mails, "")).toHaveLength(2);
    expect(filterByRecipient(mails, "nobody@")).toEqual([]);
  });

  it("tell a calendar attachment, and write addresses and sizes", () => {
    expect(isCalendar({ contentType: "text/calendar; method=REQUEST", filename: "x" })).toBe(true);
    expect(isCalendar({ contentType: "application/octet-stream", filename: "invite.ICS" })).toBe(true);
    expect(isCalendar({ contentType: "text/plain", filename: "notes.txt" })).toBe(false);
    expect(addressText({ address: "k@example.com", name: "Kenji" })).toBe("Kenji <k@example.com>");
    expect(addressText({ address: "k@example.com", name: "" })).toBe("k@example.com");
    expect([sizeText(612), sizeText(1234), sizeText(null)]).toEqual(["612 B", "1.2 kB", ""]);
  });
});

describe("the fake Twilio's texts", () => {
  it("keep their order (newest first) and read RFC 2822 dates", () => {
    const texts = caughtTexts([
      { sid: "SM2", direction: "inbound", to: "+15005550006", from: "+15551234567", body: "STOP", status: "received", date_created: "Tue, 08 Dec 2026 03:45:07 +0000" },
      { sid: "SM1", direction: "outbound-api", to: "+15551234567", from: "+15005550006", body: "Starting soon", status: "queued", date_created: "Tue, 08 Dec 2026 03:40:00 +0000", messaging_service_sid: null },
      { body: "no sid" },
    ]);
    expect(texts.map((t) => [t.sid, t.direction, t.date])).toEqual([
      ["SM2", "inbound", "2026-12-08T03:45:07.000Z"],
      ["SM1", "outbound-api", "2026-12-08T03:40:00.000Z"],
    ]);
  });
});

describe("what the routes pass on", () => {
  it("takes only ids and file names that stay in the path", () => {
    expect(isMailId("aB3xYz09")).toBe(true);
    expect(isMailId("../email")).toBe(false);
    expect(isMailId("")).toBe(false);
    expect(isAttachmentName("6b1b36cbb04b41490bfc0ab2bfa26f86.ics")).toBe(true);
    expect(isAttachmentName("..")).toBe(false);
    expect(isAttachmentName("a/b")).toBe(false);
    expect(isAttachmentName("a%2fb")).toBe(false);
  });

  it("checks a reply: an E.164 number and a body", () => {
    expect(isE164("+15551234567")).toBe(true);
    expect(isE164("15551234567")).toBe(false);
    expect(isE164("+0555123456")).toBe(false);
    expect(replyProblem("+15551234567", "STOP")).toBeNull();
    expect(replyProblem("555", "STOP")).toMatch(/E\.164/);
    expect(replyProblem("+15551234567", "  ")).toMatch(/STOP/);
    expect(replyProblem("+15551234567", "x".repeat(1601))).toMatch(/1,600/);
  });
});
