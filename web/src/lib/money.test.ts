import { describe, expect, it } from "vitest";
import { formatMoney, minorDigits, parseMoney, toInputValue } from "./money";

describe("formatMoney", () => {
  it("formats minor units in the currency's style", () => {
    expect(formatMoney(500, "usd", "en-US")).toBe("$5.00");
    expect(formatMoney(123456, "usd", "en-US")).toBe("$1,234.56");
    expect(formatMoney(999, "eur", "en-US")).toBe("€9.99");
    expect(formatMoney(100, "gbp", "en-US")).toBe("£1.00");
    expect(formatMoney(0, "usd", "en-US")).toBe("$0.00");
    expect(formatMoney(-250, "usd", "en-US")).toBe("-$2.50");
  });

  it("takes lowercase codes and knows zero-decimal currencies", () => {
    expect(formatMoney(500, "jpy", "en-US")).toBe("¥500");
    expect(minorDigits("jpy")).toBe(0);
    expect(minorDigits("usd")).toBe(2);
  });

  it("uses the locale's separators", () => {
    expect(formatMoney(123456, "eur", "de-DE")).toBe("1.234,56\u00a0€");
  });

  it("does not throw on a code Intl rejects", () => {
    expect(formatMoney(500, "??", "en-US")).toBe("5.00 ??");
  });
});

describe("parseMoney", () => {
  it("reads what people type as minor units", () => {
    expect(parseMoney("5", "usd")).toBe(500);
    expect(parseMoney("5.5", "usd")).toBe(550);
    expect(parseMoney("5,25", "eur")).toBe(525);
    expect(parseMoney(" $12.00 ", "usd")).toBe(1200);
    expect(parseMoney("0.01", "usd")).toBe(1);
    expect(parseMoney("500", "jpy")).toBe(500);
  });

  it("refuses what is not an amount", () => {
    expect(parseMoney("", "usd")).toBeNull();
    expect(parseMoney("abc", "usd")).toBeNull();
    expect(parseMoney("-5", "usd")).toBeNull();
    expect(parseMoney("1.234", "usd")).toBeNull();
    expect(parseMoney("1.5", "jpy")).toBeNull();
  });

  it("round-trips with toInputValue", () => {
    expect(toInputValue(500, "usd")).toBe("5.00");
    expect(parseMoney(toInputValue(1999, "gbp"), "gbp")).toBe(1999);
  });
});
