import type { BookingStatus } from "@/lib/api/types";
import { BOOKING_STATUS_LABELS } from "@/lib/bookings";
import { Badge } from "../ui/badge";

const VARIANT: Record<BookingStatus, "success" | "outline" | "secondary"> = {
  held: "outline",
  pending: "outline",
  confirmed: "success",
  cancelled: "secondary",
  rejected: "secondary",
  expired: "secondary",
};

export function BookingStatusBadge({ status, className }: { status: BookingStatus; className?: string }) {
  return (
    <Badge variant={VARIANT[status]} className={className} data-testid="booking-status" data-status={status}>
      {BOOKING_STATUS_LABELS[status]}
    </Badge>
  );
}
