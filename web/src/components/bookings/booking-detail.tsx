"use client";
import { useQueryClient } from "@tanstack/react-query";
import { ArrowLeft, CalendarClock, CalendarPlus, CreditCard, MessageSquare } from "lucide-react";
import Link from "next/link";
import { useSearchParams } from "next/navigation";
import { useEffect, useState, type ReactNode } from "react";
import { useBooking, usePublicBookingType } from "@/hooks/queries/bookings";
import { useMe } from "@/hooks/queries/me";
import { openHosted, usePayment } from "@/hooks/queries/payments";
import { useUser } from "@/hooks/queries/users";
import type { ReturnPhase } from "@/hooks/use-checkout-return";
import { downloadBookingIcs } from "@/lib/api/bookings";
import { errorMessage } from "@/lib/api/client";
import type { Booking } from "@/lib/api/types";
import { browserTimeZone, canCancelBooking, canReschedule, formatBookingPrice, formatInstant, formatSpan, isLive, slugify, zoneLabel } from "@/lib/bookings";
import { checkoutReturn, STATUS_LABELS } from "@/lib/payments";
import { CheckoutReturnBanner } from "../payments/checkout-return";
import { FormError } from "../payments/money-field";
import { Button, buttonClasses } from "../ui/button";
import { Card, CardContent } from "../ui/card";
import { ErrorState, Loading } from "../ui/states";
import { UserAvatar } from "../user-avatar";
import { CancelBookingButton, DecideButtons, RescheduleButton } from "./booking-actions";
import { BookingStatusBadge } from "./booking-status";

function Row({ label, children, testId }: { label: string; children: ReactNode; testId?: string }) {
  return (
    <div className="flex flex-col gap-0.5 sm:flex-row sm:gap-4">
      <dt className="w-40 shrink-0 text-sm text-muted-foreground">{label}</dt>
      <dd className="min-w-0 text-sm" data-testid={testId}>
        {children}
      </dd>
    </div>
  );
}

/** How long a paid booking's payment is watched after it ended, for the refund to show. */
const REFUND_WATCH_MS = 30_000;

function PaymentLine({ booking, asHost }: { booking: Booking; asHost: boolean }) {
  const payment = usePayment(booking.payment_id ?? null);
  const p = payment.data;
  // Cancelled or declined while paid: the refund lands a moment later (Stripe's answer), so
  // the payment is asked again for a while.
  const ended = booking.status === "cancelled" || booking.status === "rejected";
  const waiting = ended && p?.status === "succeeded";
  const { refetch } = payment;
  useEffect(() => {
    if (!waiting) return;
    const since = Date.now();
    const t = setInterval(() => {
      if (Date.now() - since > REFUND_WATCH_MS) clearInterval(t);
      else void refetch();
    }, 1500);
    return () => clearInterval(t);
  }, [waiting, refetch]);
  if (!booking.price) return <>Free</>;
  return (
    <span className="flex flex-wrap items-center gap-x-2">
      <span className="font-semibold">{formatBookingPrice(booking.price)}</span>
      {p && (
        <span className="text-muted-foreground" data-testid="booking-payment-status" data-status={p.status}>
          · {STATUS_LABELS[p.status] ?? p.status}
          {p.status === "partially_refunded" && ` (${formatBookingPrice({ amount: p.refunded_amount, currency: p.currency })} refunded)`}
        </span>
      )}
      {booking.payment_id && (
        <Link href={asHost ? "/payouts" : "/payments"} className="text-primary underline underline-offset-2 hover:decoration-2" data-testid="booking-payment-link">
          {asHost ? "Earnings" : "Your payments"}
        </Link>
      )}
    </span>
  );
}

/** Moving a booking (host or client): its type, read by its public slug, gives the slots. */
function TypeReschedule({ booking, slug }: { booking: Booking; slug: string }) {
  const type = usePublicBookingType(booking.host_id, slug);
  if (!type.data) return null;
  return <RescheduleButton booking={booking} type={type.data} />;
}

function Detail({ booking, viewerId }: { booking: Booking; viewerId: string }) {
  const asHost = viewerId === booking.host_id;
  const other = useUser(asHost ? booking.client_id : booking.host_id);
  const [icsError, setIcsError] = useState<string | null>(null);
  const [icsBusy, setIcsBusy] = useState(false);
  const viewerTz = browserTimeZone();
  const start = new Date(booking.start);
  const otherName = other.data?.display_name ?? "…";

  async function addToCalendar() {
    setIcsError(null);
    setIcsBusy(true);
    try {
      await downloadBookingIcs(booking.id, `${slugify(booking.title) || "booking"}.ics`);
    } catch (e) {
      setIcsError(errorMessage(e));
    } finally {
      setIcsBusy(false);
    }
  }

  return (
    <Card data-testid="booking-detail" data-status={booking.status} data-booking-id={booking.id} data-role={asHost ? "host" : "client"}>
      <CardContent className="flex flex-col gap-6 p-5 sm:p-6">
        <div className="flex flex-wrap items-start gap-4">
          <UserAvatar user={other.data} name={otherName} size="md" />
          <div className="min-w-0 flex-1">
            <h1 className="text-2xl font-bold" data-testid="booking-title">
              {booking.title}
            </h1>
            <p className="text-sm text-muted-foreground">
              {asHost ? "Booked by " : "With "}
              <Link href={`/users/${asHost ? booking.client_id : booking.host_id}`} className="font-medium text-foreground underline underline-offset-2 hover:decoration-2">
                {otherName}
              </Link>
              {asHost ? " · you're the host" : ""}
            </p>
          </div>
          <BookingStatusBadge status={booking.status} className="px-3 py-1 text-sm" />
        </div>

        <dl className="flex flex-col gap-3">
          <Row label="When (your time)" testId="booking-when">
            <span className="font-medium">{formatSpan(booking.start, booking.end, viewerTz)}</span>{" "}
            <span className="text-muted-foreground">· {zoneLabel(viewerTz, start)}</span>
          </Row>
          {booking.time_zone !== viewerTz && (
            <Row label={asHost ? "Client's time" : "Booked in"} testId="booking-when-booked">
              {formatSpan(booking.start, booking.end, booking.time_zone)} <span className="text-muted-foreground">· {zoneLabel(booking.time_zone, start)}</span>
            </Row>
          )}
          <Row label="Price" testId="booking-price">
            <PaymentLine booking={booking} asHost={asHost} />
          </Row>
          {booking.status === "held" && booking.hold_expires_at && (
            <Row label="Held for you until">{formatInstant(booking.hold_expires_at, viewerTz)}</Row>
          )}
          {booking.note && (
            <Row label="Note" testId="booking-note">
              <span className="whitespace-pre-wrap">{booking.note}</span>
            </Row>
          )}
          {booking.cancel_reason && (
            <Row label={booking.status === "rejected" ? "Why it was declined" : "Why it was cancelled"} testId="booking-reason">
              <span className="whitespace-pre-wrap">{booking.cancel_reason}</span>
            </Row>
          )}
        </dl>

        {booking.status === "pending" && (
          <p className="rounded-lg border border-border bg-muted p-3 text-sm">
            {asHost ? "This booking waits for you: confirm it, or decline it." : "The host hasn't confirmed this booking yet."}
          </p>
        )}

        <div className="flex flex-wrap gap-2">
          {booking.status === "held" && !asHost && booking.checkout_url && (
            <Button onClick={() => openHosted(booking.checkout_url!)} data-testid="booking-pay">
              <CreditCard className="size-4" aria-hidden /> Pay {formatBookingPrice(booking.price)}
            </Button>
          )}
          {asHost && booking.status === "pending" && <DecideButtons booking={booking} />}
          {booking.room_id && (
            <Link href={`/rooms/${booking.room_id}`} className={buttonClasses("outline")} data-testid="booking-room">
              <MessageSquare className="size-4" aria-hidden /> Open your chat room
            </Link>
          )}
          {booking.session_id && (
            <Link href={`/sessions/${booking.session_id}`} className={buttonClasses("outline")} data-testid="booking-session">
              <CalendarClock className="size-4" aria-hidden /> Session
            </Link>
          )}
          {booking.status !== "held" && booking.status !== "expired" && (
            <Button variant="outline" onClick={() => void addToCalendar()} disabled={icsBusy} data-testid="booking-ics">
              <CalendarPlus className="size-4" aria-hidden /> {isLive(booking.status) ? "Add to calendar" : "Calendar file (cancellation)"}
            </Button>
          )}
          {canReschedule(booking) && booking.booking_type_slug && <TypeReschedule booking={booking} slug={booking.booking_type_slug} />}
          {canCancelBooking(booking) && <CancelBookingButton booking={booking} viewerId={viewerId} />}
        </div>
        {canReschedule(booking) && !booking.booking_type_slug && (
          <p className="text-xs text-muted-foreground" data-testid="booking-reschedule-hint">
            Its booking type is gone, so it cannot be moved: cancel it and book another time.
          </p>
        )}
        <FormError>{icsError}</FormError>
      </CardContent>
    </Card>
  );
}

/** A booking, for its host or its client; back from Checkout it waits until the payment landed. */
export function BookingDetail({ id }: { id: string }) {
  const params = useSearchParams();
  const ret = checkoutReturn(params);
  const paying = Boolean(ret && !ret.canceled);
  const booking = useBooking(id, paying);
  const me = useMe();
  const qc = useQueryClient();
  const status = booking.data?.status;
  // Once paid, lists and the payment show it too.
  useEffect(() => {
    if (paying && status && status !== "held") {
      void qc.invalidateQueries({ queryKey: ["bookings", "list"] });
      void qc.invalidateQueries({ queryKey: ["payments"] });
    }
  }, [paying, status, qc]);

  let phase: ReturnPhase | null = null;
  if (ret) phase = ret.canceled ? "canceled" : !status || status === "held" ? "processing" : isLive(status) ? "succeeded" : "failed";

  return (
    <div className="mx-auto flex w-full max-w-3xl flex-col gap-4 p-4 sm:p-8" data-testid="booking-page">
      <Link href="/bookings" className="inline-flex items-center gap-1 self-start text-sm text-muted-foreground hover:text-foreground hover:underline">
        <ArrowLeft className="size-4" aria-hidden /> My bookings
      </Link>
      <CheckoutReturnBanner
        phase={phase}
        successText={status === "pending" ? "Paid. The host confirms your booking next." : "Paid: your booking is confirmed."}
      />
      {booking.isPending || me.isPending ? (
        <Loading />
      ) : booking.isError ? (
        <ErrorState error={errorMessage(booking.error)} onRetry={() => booking.refetch()} />
      ) : me.isError ? (
        <ErrorState error={errorMessage(me.error)} onRetry={() => me.refetch()} />
      ) : (
        <Detail booking={booking.data} viewerId={me.data.id} />
      )}
    </div>
  );
}
