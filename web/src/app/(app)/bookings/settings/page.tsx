"use client";
import { ArrowLeft, Wallet } from "lucide-react";
import Link from "next/link";
import { AvailabilityCard } from "@/components/bookings/availability-editor";
import { BookingTypesManager } from "@/components/bookings/booking-types-manager";
import { CalendarFeedCard } from "@/components/bookings/calendar-feed-card";
import { buttonClasses } from "@/components/ui/button";
import { ErrorState, Loading } from "@/components/ui/states";
import { useMyBookingTypes } from "@/hooks/queries/bookings";
import { useMe } from "@/hooks/queries/me";
import { usePayoutAccount } from "@/hooks/queries/payments";
import { errorMessage } from "@/lib/api/client";

/** Paid types need a payout account that can take payments: say so before a client finds out. */
function PayoutNotice() {
  const types = useMyBookingTypes();
  const account = usePayoutAccount();
  const paid = (types.data ?? []).some((t) => t.price);
  if (!paid || !account.isSuccess || account.data?.charges_enabled) return null;
  return (
    <div className="flex flex-wrap items-center justify-between gap-3 rounded-xl border border-amber-500/40 bg-amber-500/10 p-4 text-sm" data-testid="bookings-payout-notice">
      <span className="flex items-center gap-2">
        <Wallet className="size-4 shrink-0" aria-hidden /> Clients can&apos;t book your paid types until you can accept payments.
      </span>
      <Link href="/profile" className={buttonClasses("outline", "sm")}>
        Set up payouts
      </Link>
    </div>
  );
}

/** The host's side of bookings: hours, booking types with their links, the calendar feed. */
export default function BookingSettingsPage() {
  const me = useMe();
  return (
    <div className="mx-auto flex w-full max-w-4xl flex-col gap-6 p-4 sm:p-8" data-testid="booking-settings">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 className="text-2xl font-bold">Booking page</h1>
          <p className="text-sm text-muted-foreground">Your hours, the meetings you offer, and your calendar feed.</p>
        </div>
        <Link href="/bookings" className={buttonClasses("outline", "sm")}>
          <ArrowLeft className="size-4" aria-hidden /> My bookings
        </Link>
      </div>
      <PayoutNotice />
      {me.isPending ? (
        <Loading />
      ) : me.isError ? (
        <ErrorState error={errorMessage(me.error)} onRetry={() => me.refetch()} />
      ) : (
        <BookingTypesManager hostId={me.data.id} />
      )}
      <AvailabilityCard />
      <CalendarFeedCard />
    </div>
  );
}
