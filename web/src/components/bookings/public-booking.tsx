"use client";
import { CalendarCheck, CalendarPlus, Clock, Hourglass, Lock, Receipt, Settings2 } from "lucide-react";
import Link from "next/link";
import { usePathname, useSearchParams } from "next/navigation";
import { useEffect, useId, useState, type FormEvent } from "react";
import { useCreateBooking, usePublicBookingType, useRefreshSlots } from "@/hooks/queries/bookings";
import { useMe } from "@/hooks/queries/me";
import { downloadBookingIcs } from "@/lib/api/bookings";
import { ApiError, errorMessage } from "@/lib/api/client";
import type { Booking, BookingType, Slot } from "@/lib/api/types";
import { useAuth } from "@/lib/auth/context";
import { asTimeZone, browserTimeZone, dayKey, formatBookingPrice, formatDuration, formatSpan, isTimeZone, refundPolicy, zoneLabel } from "@/lib/bookings";
import { FormError } from "../payments/money-field";
import { Button, buttonClasses } from "../ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "../ui/card";
import { Label, Textarea } from "../ui/input";
import { EmptyState, ErrorState, Loading } from "../ui/states";
import { UserAvatar } from "../user-avatar";
import { SlotPicker } from "./slot-picker";

const noteKey = (host: string, slug: string) => `parley.bookingNote:${host}/${slug}`;

function TypeSummary({ type, hostName, hostUser }: { type: BookingType; hostName: string | null; hostUser: Parameters<typeof UserAvatar>[0]["user"] }) {
  return (
    <Card>
      <CardContent className="flex flex-col gap-3 p-5 sm:p-6">
        <div className="flex items-center gap-3">
          {hostName && <UserAvatar user={hostUser} name={hostName} size="md" />}
          <p className="text-sm text-muted-foreground" data-testid="book-host">
            {hostName ? (
              <>
                Book a time with <span className="font-semibold text-foreground">{hostName}</span>
              </>
            ) : (
              "Book a time"
            )}
          </p>
        </div>
        <h1 className="text-2xl font-bold" data-testid="book-title">
          {type.title}
        </h1>
        <ul className="flex flex-wrap gap-x-5 gap-y-1 text-sm">
          <li className="flex items-center gap-1.5" data-testid="book-length">
            <Clock className="size-4 text-muted-foreground" aria-hidden /> {formatDuration(type.length_minutes)}
          </li>
          <li className="flex items-center gap-1.5 font-semibold" data-testid="book-price">
            <Receipt className="size-4 text-muted-foreground" aria-hidden /> {formatBookingPrice(type.price)}
          </li>
          {type.requires_confirmation && (
            <li className="flex items-center gap-1.5">
              <Hourglass className="size-4 text-muted-foreground" aria-hidden /> The host confirms each booking
            </li>
          )}
        </ul>
        {type.description && <p className="whitespace-pre-wrap text-sm" data-testid="book-description">{type.description}</p>}
        {type.price && <p className="text-xs text-muted-foreground">{refundPolicy(type.refund_until_hours)}</p>}
      </CardContent>
    </Card>
  );
}

function Booked({ booking, tz, onAgain }: { booking: Booking; tz: string; onAgain(): void }) {
  const [icsError, setIcsError] = useState<string | null>(null);
  const pending = booking.status === "pending";
  return (
    <Card data-testid="booking-done" data-status={booking.status} data-booking-id={booking.id}>
      <CardHeader>
        <CardTitle className="flex items-center gap-2">
          <CalendarCheck className="size-5 text-emerald-700 dark:text-emerald-400" aria-hidden />
          {pending ? "Request sent" : "You're booked"}
        </CardTitle>
        <CardDescription>{pending ? "The host confirms it: you'll get a notification." : "You'll get a reminder before it starts."}</CardDescription>
      </CardHeader>
      <CardContent className="flex flex-col gap-4">
        <p className="font-medium" data-testid="booking-done-when">
          {formatSpan(booking.start, booking.end, tz)} <span className="text-sm font-normal text-muted-foreground">· {zoneLabel(tz, new Date(booking.start))}</span>
        </p>
        <FormError>{icsError}</FormError>
        <div className="flex flex-wrap gap-2">
          <Link href={`/bookings/${booking.id}`} className={buttonClasses()} data-testid="booking-done-open">
            View booking
          </Link>
          <Button
            variant="outline"
            onClick={() => {
              setIcsError(null);
              downloadBookingIcs(booking.id).catch((e) => setIcsError(errorMessage(e)));
            }}
          >
            <CalendarPlus className="size-4" aria-hidden /> Add to calendar
          </Button>
          <Button variant="ghost" onClick={onAgain}>
            Book another time
          </Button>
        </div>
      </CardContent>
    </Card>
  );
}

/**
 * The public booking page of one of a host's types: anyone sees the slots in their own zone;
 * booking asks a signed-out visitor to sign in first (and comes back to the same slot).
 */
export function PublicBooking({ hostId, slug }: { hostId: string; slug: string }) {
  const auth = useAuth();
  const me = useMe();
  const path = usePathname();
  const params = useSearchParams();
  const type = usePublicBookingType(hostId, slug);
  const book = useCreateBooking();
  const refreshSlots = useRefreshSlots();
  const noteId = useId();

  // Back from signing in: the slot and zone chosen before (`?start=&tz=`).
  const askedStart = params.get("start");
  const askedTz = params.get("tz");
  const [tz, setTz] = useState(() => (askedTz && isTimeZone(askedTz) ? askedTz : browserTimeZone()));
  const [selected, setSelected] = useState<Slot | null>(null);
  const [note, setNote] = useState("");
  const [done, setDone] = useState<Booking | null>(null);
  const [refused, setRefused] = useState<string | null>(null);

  useEffect(() => {
    const saved = sessionStorage.getItem(noteKey(hostId, slug));
    if (saved) {
      setNote(saved);
      sessionStorage.removeItem(noteKey(hostId, slug));
    }
  }, [hostId, slug]);
  useEffect(() => {
    if (askedStart && !Number.isNaN(Date.parse(askedStart)) && type.data) {
      setSelected({ start: askedStart, end: new Date(Date.parse(askedStart) + type.data.length_minutes * 60_000).toISOString() });
    }
  }, [askedStart, type.data]);

  if (type.isPending) return <Loading className="min-h-[50vh]" />;
  if (type.isError) return <ErrorState error={errorMessage(type.error)} onRetry={() => type.refetch()} className="m-4" />;
  if (type.data === null)
    return (
      <Card>
        <EmptyState icon={<CalendarCheck />} title="This booking page doesn't exist" className="p-12">
          The link may be mistyped, or the host removed this kind of meeting.
        </EmptyState>
      </Card>
    );
  const t = type.data;
  const mine = me.data?.id === t.host_id;
  const hostName = t.host.display_name;

  if (done)
    return (
      <div className="flex flex-col gap-6" data-testid="book-page" data-type-id={t.id}>
        <TypeSummary type={t} hostName={hostName} hostUser={t.host} />
        <Booked
          booking={done}
          tz={tz}
          onAgain={() => {
            setDone(null);
            setSelected(null);
            setNote("");
            book.reset();
          }}
        />
      </div>
    );

  function signInHref(slot: Slot) {
    const back = `${path}?start=${encodeURIComponent(slot.start)}&tz=${encodeURIComponent(tz)}`;
    return `/sign-in?redirect_url=${encodeURIComponent(back)}`;
  }

  function onSubmit(e: FormEvent) {
    e.preventDefault();
    if (!selected) return;
    setRefused(null);
    book.mutate(
      { booking_type_id: t.id, start: selected.start, tz: asTimeZone(tz), note: note.trim() || null },
      {
        onSuccess: (b) => {
          if (b.status !== "held") setDone(b);
        },
        onError: (err) => {
          if (err instanceof ApiError && (err.code === "slot_taken" || err.code === "slot_unavailable")) {
            setRefused(errorMessage(err));
            setSelected(null);
            void refreshSlots(hostId, slug);
          }
        },
      },
    );
  }

  const busy = book.isPending || (book.isSuccess && book.data.status === "held");
  const error = refused ?? (book.isError && !refused ? errorMessage(book.error) : null);

  return (
    <div className="flex flex-col gap-6" data-testid="book-page" data-type-id={t.id}>
      <TypeSummary type={t} hostName={hostName} hostUser={t.host} />
      {mine && (
        <div className="flex flex-wrap items-center justify-between gap-3 rounded-xl border border-primary/30 bg-primary/5 p-4 text-sm" data-testid="book-mine">
          <span>This is your booking page: share its link. Clients pick a time here.</span>
          <Link href="/bookings/settings" className={buttonClasses("outline", "sm")}>
            <Settings2 className="size-4" aria-hidden /> Booking settings
          </Link>
        </div>
      )}
      <Card>
        <CardHeader>
          <CardTitle>Pick a time</CardTitle>
          <CardDescription>Times are shown in the time zone you choose.</CardDescription>
        </CardHeader>
        <CardContent className="flex flex-col gap-6">
          <SlotPicker
            hostId={hostId}
            slug={slug}
            windowDays={t.window_days}
            tz={tz}
            onTz={setTz}
            selected={selected}
            onSelect={(s) => {
              setSelected(s);
              setRefused(null);
            }}
            initialDay={askedStart && !Number.isNaN(Date.parse(askedStart)) ? dayKey(askedStart, tz) : null}
            idPrefix="book"
          />
          <form onSubmit={onSubmit} className="flex flex-col gap-4 border-t border-border pt-4">
            <p className="text-sm" aria-live="polite" data-testid="book-selected">
              {selected ? (
                <>
                  <span className="text-muted-foreground">Your time: </span>
                  <span className="font-semibold">{formatSpan(selected.start, selected.end, tz)}</span>{" "}
                  <span className="text-muted-foreground">· {zoneLabel(tz, new Date(selected.start))}</span>
                </>
              ) : (
                <span className="text-muted-foreground">Choose a day, then a time.</span>
              )}
            </p>
            <div className="flex flex-col gap-1.5">
              <Label htmlFor={noteId}>Note for the host (optional)</Label>
              <Textarea id={noteId} rows={3} maxLength={1000} value={note} onChange={(e) => setNote(e.target.value)} data-testid="book-note" />
            </div>
            <FormError>{error}</FormError>
            <div className="flex flex-wrap items-center justify-end gap-3">
              {t.price && <span className="text-sm text-muted-foreground">You&apos;ll pay {formatBookingPrice(t.price)} on Stripe&apos;s secure checkout page.</span>}
              {!auth.ready ? null : !auth.signedIn ? (
                selected ? (
                  <Link
                    href={signInHref(selected)}
                    className={buttonClasses()}
                    data-testid="book-sign-in"
                    onClick={() => note.trim() && sessionStorage.setItem(noteKey(hostId, slug), note)}
                  >
                    <Lock className="size-4" aria-hidden /> Sign in to book
                  </Link>
                ) : (
                  <Button disabled data-testid="book-sign-in">
                    <Lock className="size-4" aria-hidden /> Sign in to book
                  </Button>
                )
              ) : (
                <Button type="submit" disabled={!selected || busy || mine} data-testid="book-submit">
                  {busy ? (t.price ? "Opening checkout…" : "Booking…") : t.price ? `Book and pay ${formatBookingPrice(t.price)}` : "Book"}
                </Button>
              )}
            </div>
          </form>
        </CardContent>
      </Card>
    </div>
  );
}
