"use client";
import { CalendarClock, CalendarX, Check, X } from "lucide-react";
import { useId, useState, type FormEvent } from "react";
import { useCancelBooking, useConfirmBooking, useRefreshSlots, useRejectBooking, useRescheduleBooking } from "@/hooks/queries/bookings";
import { ApiError, errorMessage } from "@/lib/api/client";
import type { Booking, BookingType, Slot } from "@/lib/api/types";
import { browserTimeZone, formatSpan, refundNotice, zoneLabel } from "@/lib/bookings";
import { cn } from "@/lib/utils";
import { FormError } from "../payments/money-field";
import { Button } from "../ui/button";
import { Dialog } from "../ui/dialog";
import { Label, Textarea } from "../ui/input";
import { SlotPicker } from "./slot-picker";

function ReasonField({ id, value, onChange, testId }: { id: string; value: string; onChange(v: string): void; testId: string }) {
  return (
    <div className="flex flex-col gap-1.5">
      <Label htmlFor={id}>Reason (optional, the other person sees it)</Label>
      <Textarea id={id} rows={3} maxLength={500} value={value} onChange={(e) => onChange(e.target.value)} data-testid={testId} />
    </div>
  );
}

/** Cancel, with a reason and what happens to the money (host: full refund; client: per the policy). */
export function CancelBookingButton({ booking, viewerId }: { booking: Booking; viewerId: string }) {
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState("");
  const cancel = useCancelBooking();
  const reasonId = useId();
  const notice = refundNotice(booking, viewerId);

  function onSubmit(e: FormEvent) {
    e.preventDefault();
    cancel.mutate({ id: booking.id, reason: reason.trim() || undefined }, { onSuccess: () => setOpen(false) });
  }

  return (
    <>
      <Button variant="outline" onClick={() => setOpen(true)} data-testid="booking-cancel-open">
        <CalendarX className="size-4" aria-hidden /> Cancel booking
      </Button>
      <Dialog open={open} onClose={() => setOpen(false)} title="Cancel this booking?" testId="booking-cancel-dialog">
        <form onSubmit={onSubmit} className="flex flex-col gap-4">
          <p
            className={cn(
              "rounded-lg border p-3 text-sm",
              notice.refund === "full" && "border-emerald-500/40 bg-emerald-500/10",
              notice.refund === "none" && "border-amber-500/40 bg-amber-500/10",
              notice.refund === "unpaid" && "border-border bg-muted",
            )}
            data-testid="booking-cancel-refund"
            data-refund={notice.refund}
          >
            {notice.text}
          </p>
          <ReasonField id={reasonId} value={reason} onChange={setReason} testId="booking-cancel-reason" />
          <FormError>{cancel.isError ? errorMessage(cancel.error) : null}</FormError>
          <div className="flex justify-end gap-2">
            <Button variant="ghost" onClick={() => setOpen(false)}>
              Keep it
            </Button>
            <Button type="submit" variant="destructive" disabled={cancel.isPending} data-testid="booking-cancel-confirm">
              {cancel.isPending ? "Cancelling…" : "Cancel booking"}
            </Button>
          </div>
        </form>
      </Dialog>
    </>
  );
}

/** The host's answer to a booking that waits for them: confirm, or decline with a reason. */
export function DecideButtons({ booking }: { booking: Booking }) {
  const confirm = useConfirmBooking();
  const reject = useRejectBooking();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState("");
  const reasonId = useId();
  return (
    <>
      <Button onClick={() => confirm.mutate(booking.id)} disabled={confirm.isPending} data-testid="booking-confirm">
        <Check className="size-4" aria-hidden /> {confirm.isPending ? "Confirming…" : "Confirm"}
      </Button>
      <Button variant="outline" onClick={() => setOpen(true)} data-testid="booking-reject-open">
        <X className="size-4" aria-hidden /> Decline
      </Button>
      {confirm.isError && <FormError>{errorMessage(confirm.error)}</FormError>}
      <Dialog open={open} onClose={() => setOpen(false)} title="Decline this booking?" testId="booking-reject-dialog">
        <form
          onSubmit={(e) => {
            e.preventDefault();
            reject.mutate({ id: booking.id, reason: reason.trim() || undefined }, { onSuccess: () => setOpen(false) });
          }}
          className="flex flex-col gap-4"
        >
          {booking.price && <p className="text-sm">The client gets a full refund.</p>}
          <ReasonField id={reasonId} value={reason} onChange={setReason} testId="booking-reject-reason" />
          <FormError>{reject.isError ? errorMessage(reject.error) : null}</FormError>
          <div className="flex justify-end gap-2">
            <Button variant="ghost" onClick={() => setOpen(false)}>
              Back
            </Button>
            <Button type="submit" variant="destructive" disabled={reject.isPending} data-testid="booking-reject-confirm">
              {reject.isPending ? "Declining…" : "Decline booking"}
            </Button>
          </div>
        </form>
      </Dialog>
    </>
  );
}

function RescheduleForm({ booking, type, onDone }: { booking: Booking; type: BookingType; onDone(): void }) {
  const [tz, setTz] = useState(browserTimeZone);
  const [slot, setSlot] = useState<Slot | null>(null);
  const move = useRescheduleBooking();
  const refreshSlots = useRefreshSlots();

  function onSubmit(e: FormEvent) {
    e.preventDefault();
    if (!slot) return;
    move.mutate(
      { id: booking.id, start: slot.start },
      {
        onSuccess: onDone,
        onError: (err) => {
          if (err instanceof ApiError && (err.code === "slot_taken" || err.code === "slot_unavailable")) {
            setSlot(null);
            void refreshSlots(booking.host_id, type.slug);
          }
        },
      },
    );
  }

  return (
    <form onSubmit={onSubmit} className="flex flex-col gap-4" data-testid="reschedule-form">
      <p className="text-sm text-muted-foreground">
        Now: {formatSpan(booking.start, booking.end, tz)}. Pick another time: the current one is freed as soon as you move.
      </p>
      <SlotPicker
        hostId={booking.host_id}
        slug={type.slug}
        windowDays={type.window_days}
        tz={tz}
        onTz={setTz}
        selected={slot}
        onSelect={setSlot}
        idPrefix="reschedule"
      />
      <p className="text-sm" aria-live="polite" data-testid="reschedule-selected">
        {slot ? (
          <>
            Move to <span className="font-semibold">{formatSpan(slot.start, slot.end, tz)}</span> <span className="text-muted-foreground">· {zoneLabel(tz, new Date(slot.start))}</span>
          </>
        ) : (
          <span className="text-muted-foreground">Choose a day, then a time.</span>
        )}
      </p>
      <FormError>{move.isError ? errorMessage(move.error) : null}</FormError>
      <div className="flex justify-end gap-2">
        <Button variant="ghost" onClick={onDone}>
          Back
        </Button>
        <Button type="submit" disabled={!slot || move.isPending} data-testid="reschedule-confirm">
          {move.isPending ? "Moving…" : "Move booking"}
        </Button>
      </div>
    </form>
  );
}

/** Move a booking to another slot of its type (the type's slug is needed to list its slots). */
export function RescheduleButton({ booking, type }: { booking: Booking; type: BookingType }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button variant="outline" onClick={() => setOpen(true)} data-testid="booking-reschedule-open">
        <CalendarClock className="size-4" aria-hidden /> Reschedule
      </Button>
      <Dialog
        open={open}
        onClose={() => setOpen(false)}
        title="Reschedule"
        testId="booking-reschedule-dialog"
        className="max-h-[90dvh] w-[min(52rem,calc(100vw-2rem))] overflow-y-auto"
      >
        <RescheduleForm booking={booking} type={type} onDone={() => setOpen(false)} />
      </Dialog>
    </>
  );
}
