// Booking calls beyond plain JSON: the .ics download (a file, fetched with the token).
import { api, unwrap } from "./client";
import { saveBlob } from "./files";

/** A booking's .ics, fetched with the bearer token, saved by the browser as a download. */
export async function downloadBookingIcs(bookingId: string, fileName = "booking.ics"): Promise<void> {
  const blob = await unwrap(
    api.GET("/v1/bookings/{booking_id}/calendar.ics", { params: { path: { booking_id: bookingId } }, parseAs: "blob" }),
  );
  saveBlob(new Blob([blob as unknown as Blob], { type: "text/calendar" }), fileName);
}
