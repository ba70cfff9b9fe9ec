import { describe, expect, it } from "vitest";
import { ApiError, errorMessage } from "./client";
import { problemMessage } from "./problems";

describe("problemMessage", () => {
  it("has a sentence for each refusal a person can meet", () => {
    for (const code of [
      "self_payment",
      "payee_not_ready",
      "already_owned",
      "payment_declined",
      "not_for_sale",
      "owner_must_transfer",
      "room_full",
      "file_in_use",
      "message_deleted",
      "idempotency_key_reused",
      "idempotency_key_in_flight",
      "slot_taken",
      "slot_unavailable",
      "booking_closed",
      "booking_type_in_use",
      "another_session_live",
      "session_closed",
      "integration_not_connected",
    ]) {
      expect(problemMessage(code), code).toMatch(/\S/);
    }
  });

  it("tells the owner to hand the room over", () => {
    expect(problemMessage("owner_must_transfer")).toMatch(/Hand the room over first/);
    expect(problemMessage("owner_must_transfer")).toMatch(/Make owner/);
  });

  it("sends a booker back to the slots when a time went", () => {
    expect(problemMessage("slot_taken")).toMatch(/Pick another/);
    expect(problemMessage("slot_unavailable")).toMatch(/Pick another/);
    expect(problemMessage("booking_type_in_use")).toMatch(/upcoming bookings/);
  });

  it("names a known decline reason, else says declined", () => {
    expect(problemMessage("payment_declined", "insufficient_funds")).toBe("Payment declined. Your card has insufficient funds.");
    expect(problemMessage("payment_declined", "something_new")).toMatch(/declined/);
    expect(problemMessage("payment_declined", null)).toMatch(/declined/);
  });

  it("leaves other codes to the server's detail", () => {
    expect(problemMessage("invalid")).toBeNull();
    expect(problemMessage("conflict")).toBeNull();
    expect(problemMessage(undefined)).toBeNull();
  });
});

describe("errorMessage", () => {
  it("prefers the sentence for a known code over the server's detail", () => {
    expect(errorMessage(new ApiError(409, "room_full", "Conflict", "the room is full"))).toBe("This room is full.");
  });

  it("uses the decline code of a declined payment", () => {
    expect(errorMessage(new ApiError(402, "payment_declined", "Payment Required", "declined", "expired_card"))).toBe(
      "Payment declined. Your card has expired.",
    );
  });

  it("falls back to the detail, then the title", () => {
    expect(errorMessage(new ApiError(422, "invalid", "Unprocessable", "name is too long"))).toBe("name is too long");
    expect(errorMessage(new ApiError(500, "internal", "Internal Server Error"))).toBe("Internal Server Error");
  });
});
