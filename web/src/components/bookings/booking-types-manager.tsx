"use client";
import { CalendarDays, ExternalLink, Link2, Pencil, Plus, Trash2 } from "lucide-react";
import Link from "next/link";
import { useEffect, useState } from "react";
import { useDeleteBookingType, useMyBookingTypes } from "@/hooks/queries/bookings";
import { useBookingTypeLink } from "@/hooks/queries/links";
import { errorMessage } from "@/lib/api/client";
import type { BookingType } from "@/lib/api/types";
import { bookingPagePath, formatBookingPrice, formatDuration } from "@/lib/bookings";
import { BOOKING_TAG, clicksText } from "@/lib/links";
import { FormError } from "../payments/money-field";
import { Badge } from "../ui/badge";
import { Button, buttonClasses } from "../ui/button";
import { Card, CardContent } from "../ui/card";
import { CopyButton } from "../ui/copy-button";
import { Dialog } from "../ui/dialog";
import { EmptyState, ErrorState, Loading } from "../ui/states";
import { BookingTypeForm } from "./booking-type-form";

/** This site's origin, once in the browser (links to copy are absolute). */
export function useOrigin(): string {
  const [origin, setOrigin] = useState("");
  useEffect(() => setOrigin(window.location.origin), []);
  return origin;
}

/** The booking page's short link: made on the first ask (the same one after), shown to copy. */
function ShortLink({ type }: { type: BookingType }) {
  const link = useBookingTypeLink();
  return (
    <div className="flex flex-col gap-2" data-testid="type-card-short">
      {link.data ? (
        <>
          <span className="text-xs font-medium text-muted-foreground">Short link</span>
          <div className="flex flex-wrap items-center gap-2">
            <code className="min-w-0 break-all rounded-md bg-muted px-2 py-1 text-xs" data-testid="type-card-short-url">
              {link.data.short_url}
            </code>
            <CopyButton text={link.data.short_url} label="Copy short link" what={`for ${type.title}`} data-testid="type-card-short-copy" />
          </div>
          <span className="text-xs text-muted-foreground">
            {clicksText(link.data.click_count)} so far ·{" "}
            <Link href={`/links?tag=${BOOKING_TAG}`} className="text-primary underline underline-offset-2" data-testid="type-card-short-stats">
              Clicks by day in Links
            </Link>
          </span>
        </>
      ) : (
        <div>
          <Button size="sm" variant="outline" disabled={link.isPending} onClick={() => link.mutate(type.id)} data-testid="type-card-short-link">
            <Link2 className="size-3.5" aria-hidden /> {link.isPending ? "Making a short link…" : "Short link"}
            <span className="sr-only"> for {type.title}</span>
          </Button>
        </div>
      )}
      <FormError>{link.isError ? errorMessage(link.error) : null}</FormError>
    </div>
  );
}

function TypeCard({ type, origin, onEdit }: { type: BookingType; origin: string; onEdit(): void }) {
  const del = useDeleteBookingType();
  const path = bookingPagePath(type.host_id, type.slug);
  const url = `${origin}${path}`;
  return (
    <Card className="flex flex-col" data-testid="type-card" data-slug={type.slug} data-type-id={type.id}>
      <CardContent className="flex flex-1 flex-col gap-3 p-5">
        <div className="flex flex-wrap items-start justify-between gap-2">
          <h3 className="font-semibold" data-testid="type-card-title">
            {type.title}
          </h3>
          <Badge variant={type.price ? "default" : "secondary"} data-testid="type-card-price">
            {formatBookingPrice(type.price)}
          </Badge>
        </div>
        <p className="text-sm text-muted-foreground">
          {formatDuration(type.length_minutes)}
          {type.requires_confirmation && " · you confirm each booking"}
          {type.max_per_day != null && ` · at most ${type.max_per_day} a day`}
        </p>
        {type.description && <p className="line-clamp-3 whitespace-pre-wrap text-sm">{type.description}</p>}
        <div className="mt-auto flex flex-col gap-2">
          <span className="text-xs font-medium text-muted-foreground">Public link</span>
          <code className="break-all rounded-md bg-muted px-2 py-1 text-xs" data-testid="type-card-link">
            {url || path}
          </code>
          <div className="flex flex-wrap gap-2">
            <CopyButton text={url || path} label="Copy link" data-testid="type-card-copy" />
            <Link href={path} className={buttonClasses("outline", "sm")} data-testid="type-card-open">
              <ExternalLink className="size-3.5" aria-hidden /> Open
              <span className="sr-only"> the booking page for {type.title}</span>
            </Link>
            <Button size="sm" variant="outline" onClick={onEdit} data-testid="type-card-edit">
              <Pencil className="size-3.5" aria-hidden /> Edit
              <span className="sr-only"> {type.title}</span>
            </Button>
            <Button
              size="sm"
              variant="ghost"
              disabled={del.isPending}
              data-testid="type-card-delete"
              onClick={() => {
                if (window.confirm(`Delete “${type.title}”? Its booking page stops working.`)) del.mutate(type.id);
              }}
            >
              <Trash2 className="size-3.5" aria-hidden /> Delete
              <span className="sr-only"> {type.title}</span>
            </Button>
          </div>
          <FormError>{del.isError ? errorMessage(del.error) : null}</FormError>
          <ShortLink type={type} />
        </div>
      </CardContent>
    </Card>
  );
}

/** My booking types with their public links: create, edit, delete. */
export function BookingTypesManager({ hostId }: { hostId: string }) {
  const types = useMyBookingTypes();
  const origin = useOrigin();
  const [editing, setEditing] = useState<BookingType | "new" | null>(null);
  return (
    <section className="flex flex-col gap-3" data-testid="booking-types" aria-labelledby="booking-types-heading">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <div>
          <h2 id="booking-types-heading" className="text-lg font-semibold">
            Booking types
          </h2>
          <p className="text-sm text-muted-foreground">The kinds of meeting clients can book, each with its own link.</p>
        </div>
        <Button size="sm" onClick={() => setEditing("new")} data-testid="type-new">
          <Plus className="size-4" aria-hidden /> New booking type
        </Button>
      </div>
      {types.isPending ? (
        <Loading />
      ) : types.isError ? (
        <ErrorState error={errorMessage(types.error)} onRetry={() => types.refetch()} />
      ) : types.data.length === 0 ? (
        <Card>
          <EmptyState icon={<CalendarDays />} title="No booking types yet">
            Create one, then share its link.
          </EmptyState>
        </Card>
      ) : (
        <div className="grid gap-3 md:grid-cols-2">
          {types.data.map((t) => (
            <TypeCard key={t.id} type={t} origin={origin} onEdit={() => setEditing(t)} />
          ))}
        </div>
      )}
      <Dialog
        open={editing !== null}
        onClose={() => setEditing(null)}
        title={editing === "new" ? "New booking type" : "Edit booking type"}
        testId="type-dialog"
        className="max-h-[90dvh] w-[min(40rem,calc(100vw-2rem))] overflow-y-auto"
      >
        {editing !== null && (
          <BookingTypeForm
            key={editing === "new" ? "new" : editing.id}
            type={editing === "new" ? undefined : editing}
            linkPrefix={`${origin}/book/${hostId}/`}
            onDone={() => setEditing(null)}
          />
        )}
      </Dialog>
    </section>
  );
}
