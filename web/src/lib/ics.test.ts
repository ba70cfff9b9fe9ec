import { describe, expect, it } from "vitest";
import { localText, parseIcs, parseIcsDate, parseInvite, parseLine, unescapeText, unfold, utcText } from "./ics";

// As the API writes an invite (CRLF, lines folded at 75 octets).
const INVITE = [
  "BEGIN:VCALENDAR",
  "VERSION:2.0",
  "PRODID:-//Parley//Bookings//EN",
  "CALSCALE:GREGORIAN",
  "METHOD:REQUEST",
  "BEGIN:VEVENT",
  "UID:0b6c1f52-4a3e-4f57-9a63-2d7f5b7e8c11@parley",
  "DTSTAMP:20270301T120000Z",
  "DTSTART:20270304T093000Z",
  "DTEND:20270304T100000Z",
  "SEQUENCE:2",
  "SUMMARY:Intro call abc123 with Hana abc123\\, the host\\; a very long title tha",
  " t goes on",
  "DESCRIPTION:Booked on Parley: http://localhost:3100/bookings/1\\n\\nLooking f",
  "\torward",
  "STATUS:CONFIRMED",
  "END:VEVENT",
  "END:VCALENDAR",
  "",
].join("\r\n");

describe("content lines", () => {
  it("unfolds a line continued by a space or a tab, whatever the line ends", () => {
    expect(unfold("A:one\r\n  two\nB:x\n\tY\rC:z\r\n")).toEqual(["A:one two", "B:xY", "C:z"]);
  });

  it("splits name, parameters and value, the first unquoted colon ending the parameters", () => {
    expect(parseLine('ATTENDEE;CN="Doe: Jane";ROLE=REQ-PARTICIPANT:mailto:jane@example.com')).toEqual({
      name: "ATTENDEE",
      params: { CN: "Doe: Jane", ROLE: "REQ-PARTICIPANT" },
      value: "mailto:jane@example.com",
    });
    expect(parseLine("dtstart;tzid=Europe/Paris:20270304T103000")).toEqual({
      name: "DTSTART",
      params: { TZID: "Europe/Paris" },
      value: "20270304T103000",
    });
    expect(parseLine("SUMMARY:")).toEqual({ name: "SUMMARY", params: {}, value: "" });
    expect(parseLine("no colon here")).toBeNull();
    expect(parseIcs("X:1\r\nbroken\r\nY:2")).toHaveLength(2);
  });

  it("unescapes TEXT values", () => {
    expect(unescapeText("a\\, b\\; c\\\\d\\ne\\Nf")).toBe("a, b; c\\d\ne\nf");
  });
});

describe("times", () => {
  it("reads UTC, floating and DATE values", () => {
    expect(parseIcsDate("20270304T093000Z")?.toISOString()).toBe("2027-03-04T09:30:00.000Z");
    expect(parseIcsDate("20270304T093000")?.toISOString()).toBe("2027-03-04T09:30:00.000Z");
    expect(parseIcsDate("20270304")?.toISOString()).toBe("2027-03-04T00:00:00.000Z");
  });

  it("refuses what is not a date", () => {
    expect(parseIcsDate("2027-03-04")).toBeNull();
    expect(parseIcsDate("20270231T000000Z")).toBeNull();
    expect(parseIcsDate("")).toBeNull();
  });

  it("writes an instant as UTC and in a zone", () => {
    const d = new Date("2027-03-04T09:30:00Z");
    expect(utcText(d)).toBe("2027-03-04 09:30 UTC");
    expect(localText(d, "Asia/Tokyo")).toMatch(/Mar 4, 2027.*6:30\sPM/);
  });
});

describe("an invite", () => {
  it("gives the METHOD, SUMMARY, times, STATUS and SEQUENCE", () => {
    const invite = parseInvite(INVITE);
    expect(invite.method).toBe("REQUEST");
    expect(invite.summary).toBe("Intro call abc123 with Hana abc123, the host; a very long title that goes on");
    expect(invite.start).toEqual({ raw: "20270304T093000Z", at: new Date("2027-03-04T09:30:00Z"), utc: true, tzid: null });
    expect(invite.end?.at?.toISOString()).toBe("2027-03-04T10:00:00.000Z");
    expect(invite.status).toBe("CONFIRMED");
    expect(invite.sequence).toBe(2);
    expect(invite.uid).toBe("0b6c1f52-4a3e-4f57-9a63-2d7f5b7e8c11@parley");
    expect(invite.description).toBe("Booked on Parley: http://localhost:3100/bookings/1\n\nLooking forward");
  });

  it("reads a cancellation, and ignores what is inside other components", () => {
    const cancel = INVITE.replace("METHOD:REQUEST", "METHOD:CANCEL")
      .replace("STATUS:CONFIRMED", "STATUS:CANCELLED\r\nBEGIN:VALARM\r\nSUMMARY:Alarm\r\nEND:VALARM")
      .replace("SEQUENCE:2", "SEQUENCE:3");
    const invite = parseInvite(cancel);
    expect([invite.method, invite.status, invite.sequence]).toEqual(["CANCEL", "CANCELLED", 3]);
    expect(invite.summary).toMatch(/^Intro call/);
  });

  it("keeps a zone it does not resolve, and copes with an empty file", () => {
    const zoned = parseInvite("BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART;TZID=Europe/Paris:20270304T103000\nEND:VEVENT\nEND:VCALENDAR");
    expect(zoned.start).toMatchObject({ tzid: "Europe/Paris", utc: false, raw: "20270304T103000" });
    expect(parseInvite("")).toEqual({
      method: null,
      summary: null,
      start: null,
      end: null,
      status: null,
      sequence: null,
      uid: null,
      description: null,
    });
  });
});
