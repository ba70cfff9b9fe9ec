"use client";
import { CalendarDays, Settings2 } from "lucide-react";
import Link from "next/link";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { Suspense, useId, useRef, type KeyboardEvent } from "react";
import { BookingStatusBadge } from "@/components/bookings/booking-status";
import { selectClass } from "@/components/payments/money-field";
import { Button, buttonClasses } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Label } from "@/components/ui/input";
import { EmptyState, ErrorState, Loading } from "@/components/ui/states";
import { useBookings } from "@/hooks/queries/bookings";
import { useUser } from "@/hooks/queries/users";
import { errorMessage } from "@/lib/api/client";
import type { Booking, BookingRole, BookingStatus } from "@/lib/api/types";
import { BOOKING_STATUS_LABELS, browserTimeZone, formatBookingPrice, formatSpan } from "@/lib/bookings";
import { cn } from "@/lib/utils";

const ROLES: { role: BookingRole; label: string }[] = [
  { role: "client", label: "As client" },
  { role: "host", label: "As host" },
];
const STATUSES = Object.keys(BOOKING_STATUS_LABELS) as BookingStatus[];

function BookingRow({ b, role, tz }: { b: Booking; role: BookingRole; tz: string }) {
  const otherId = role === "host" ? b.client_id : b.host_id;
  const other = useUser(otherId);
  return (
    <li>
      <Link
        href={`/bookings/${b.id}`}
        className="flex flex-col gap-2 px-4 py-3 hover:bg-muted focus-visible:bg-muted focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-inset focus-visible:ring-ring sm:flex-row sm:items-center"
        data-testid="booking-row"
        data-status={b.status}
        data-booking-id={b.id}
      >
        <div className="min-w-0 flex-1">
          <div className="truncate text-sm font-medium" data-testid="booking-row-title">
            {b.title}
            <span className="font-normal text-muted-foreground">
              {" "}
              {role === "host" ? "booked by" : "with"} {other.data?.display_name ?? "…"}
            </span>
          </div>
          <div className="text-xs text-muted-foreground" data-testid="booking-row-when">
            {formatSpan(b.start, b.end, tz)}
          </div>
        </div>
        <div className="flex items-center gap-3">
          <BookingStatusBadge status={b.status} />
          <span className="w-20 text-right text-sm font-semibold tabular-nums">{formatBookingPrice(b.price)}</span>
        </div>
      </Link>
    </li>
  );
}

function BookingsList() {
  const params = useSearchParams();
  const router = useRouter();
  const path = usePathname();
  const role: BookingRole = params.get("role") === "host" ? "host" : "client";
  const rawStatus = params.get("status");
  const status = STATUSES.includes(rawStatus as BookingStatus) ? (rawStatus as BookingStatus) : null;
  const list = useBookings(role, status);
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];
  const tz = browserTimeZone();
  const uid = useId();
  const tabs = useRef<(HTMLButtonElement | null)[]>([]);

  function go(next: { role?: BookingRole; status?: BookingStatus | null }) {
    const q = new URLSearchParams();
    const r = next.role ?? role;
    const s = next.status === undefined ? status : next.status;
    if (r !== "client") q.set("role", r);
    if (s) q.set("status", s);
    const qs = q.toString();
    router.replace(qs ? `${path}?${qs}` : path, { scroll: false });
  }

  function onTabKey(e: KeyboardEvent, i: number) {
    const to = e.key === "ArrowRight" ? (i + 1) % ROLES.length : e.key === "ArrowLeft" ? (i + ROLES.length - 1) % ROLES.length : e.key === "Home" ? 0 : e.key === "End" ? ROLES.length - 1 : -1;
    if (to < 0) return;
    e.preventDefault();
    tabs.current[to]?.focus();
    go({ role: ROLES[to].role });
  }

  return (
    <div className="mx-auto flex w-full max-w-3xl flex-col gap-6 p-4 sm:p-8" data-testid="bookings-page" data-role={role}>
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 className="text-2xl font-bold">My bookings</h1>
          <p className="text-sm text-muted-foreground">Meetings you booked, and meetings booked with you. Times are in {tz.replace(/_/g, " ")}.</p>
        </div>
        <Link href="/bookings/settings" className={buttonClasses("outline", "sm")} data-testid="bookings-settings-link">
          <Settings2 className="size-4" aria-hidden /> Booking page settings
        </Link>
      </div>
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div role="tablist" aria-label="Which side" className="inline-flex rounded-lg border border-border p-0.5">
          {ROLES.map((r, i) => (
            <button
              key={r.role}
              ref={(el) => {
                tabs.current[i] = el;
              }}
              type="button"
              role="tab"
              id={`${uid}-tab-${r.role}`}
              aria-selected={role === r.role}
              aria-controls={`${uid}-panel`}
              tabIndex={role === r.role ? 0 : -1}
              onClick={() => go({ role: r.role })}
              onKeyDown={(e) => onTabKey(e, i)}
              data-testid={`bookings-tab-${r.role}`}
              className={cn(
                "rounded-md px-3 py-1.5 text-sm font-medium focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring",
                role === r.role ? "bg-primary text-primary-foreground" : "hover:bg-muted",
              )}
            >
              {r.label}
            </button>
          ))}
        </div>
        <div className="flex items-center gap-2">
          <Label htmlFor={`${uid}-status`}>Status</Label>
          <select
            id={`${uid}-status`}
            className={selectClass}
            value={status ?? ""}
            onChange={(e) => go({ status: (e.target.value || null) as BookingStatus | null })}
            data-testid="bookings-status"
          >
            <option value="">All</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {BOOKING_STATUS_LABELS[s]}
              </option>
            ))}
          </select>
        </div>
      </div>
      <div role="tabpanel" id={`${uid}-panel`} aria-labelledby={`${uid}-tab-${role}`} className="flex flex-col gap-4">
        {list.isPending ? (
          <Loading />
        ) : list.isError ? (
          <ErrorState error={errorMessage(list.error)} onRetry={() => list.refetch()} />
        ) : items.length === 0 ? (
          <Card>
            <EmptyState icon={<CalendarDays />} title={status ? `No ${BOOKING_STATUS_LABELS[status].toLowerCase()} bookings` : "No bookings yet"}>
              {role === "host" ? (
                <>
                  Share a booking type&apos;s link from your{" "}
                  <Link href="/bookings/settings" className="text-primary underline underline-offset-2">
                    booking page settings
                  </Link>
                  .
                </>
              ) : (
                "Book a time from a host's booking link."
              )}
            </EmptyState>
          </Card>
        ) : (
          <Card>
            <ul className="divide-y divide-border" data-testid="booking-list">
              {items.map((b) => (
                <BookingRow key={b.id} b={b} role={role} tz={tz} />
              ))}
            </ul>
          </Card>
        )}
        {list.hasNextPage && (
          <div className="flex justify-center">
            <Button variant="outline" onClick={() => void list.fetchNextPage()} disabled={list.isFetchingNextPage} data-testid="bookings-more">
              {list.isFetchingNextPage ? "Loading…" : "Load more"}
            </Button>
          </div>
        )}
      </div>
    </div>
  );
}

/** My bookings, as client or as host, filtered by status, newest first. */
export default function BookingsPage() {
  return (
    <Suspense fallback={<Loading />}>
      <BookingsList />
    </Suspense>
  );
}
