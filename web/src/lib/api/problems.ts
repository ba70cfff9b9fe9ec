// What to tell a person when the API refuses something: one sentence per stable problem
// `code` a user can meet (RFC 9457 `code`, see ErrorCode in the schema). Codes not listed
// here fall back to the server's own `detail`. Pure; unit tested.
import type { components } from "./schema";

export type ErrorCode = components["schemas"]["ErrorCode"];

/** Card decline codes worth a sentence of their own (Stripe's `decline_code`). */
const DECLINES: Record<string, string> = {
  insufficient_funds: "Your card has insufficient funds.",
  expired_card: "Your card has expired.",
  incorrect_cvc: "The card's security code is incorrect.",
  incorrect_number: "The card number is incorrect.",
  lost_card: "Your card was declined.",
  stolen_card: "Your card was declined.",
  card_velocity_exceeded: "Your card's spending limit was reached.",
  processing_error: "The card could not be processed; please try again.",
};

/** Codes that mean the same to anyone who meets them, wherever they meet them. */
const MESSAGES: Partial<Record<ErrorCode, string>> = {
  self_payment: "You can't pay yourself.",
  payee_not_ready: "This creator can't accept payments yet.",
  already_owned: "You already have this: no need to pay again.",
  not_for_sale: "This isn't for sale.",
  owner_must_transfer:
    "Hand the room over first: open Members and use “Make owner” on someone who stays, then leave.",
  room_full: "This room is full.",
  file_in_use: "This file is still used by a message or a note, so it can't be removed.",
  message_deleted: "That message was deleted.",
  slot_taken: "Someone just booked this time. Pick another one.",
  slot_unavailable: "This time can't be booked any more. Pick another one.",
  booking_closed: "This booking can no longer be changed.",
  booking_type_in_use: "This booking type has upcoming bookings: cancel or finish them before deleting it.",
  another_session_live: "This room already has a live session: end it first.",
  session_closed: "This session can't do that now: it has already started or ended.",
  integration_not_connected: "Connect Notion first (on Connections), then export again.",
  idempotency_key_reused: "This request was already sent with different details. Reload and try again.",
  idempotency_key_in_flight: "This is already being processed. Wait a moment, then check again.",
};

/**
 * A person's sentence for a refused request, or null when the code has none here (then the
 * server's detail is shown). `payment_declined` names the card's problem when known.
 */
export function problemMessage(code: string | undefined, declineCode?: string | null): string | null {
  if (!code) return null;
  if (code === "payment_declined") {
    const why = declineCode ? DECLINES[declineCode] : undefined;
    return why ? `Payment declined. ${why}` : "Your payment was declined. Try another card.";
  }
  return MESSAGES[code as ErrorCode] ?? null;
}
