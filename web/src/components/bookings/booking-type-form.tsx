"use client";
import { useId, useState, type FormEvent, type ReactNode } from "react";
import { useCreateBookingType, useUpdateBookingType } from "@/hooks/queries/bookings";
import { errorMessage } from "@/lib/api/client";
import type { BookingType } from "@/lib/api/types";
import { slugify, typeFormFrom, typeRequest, type TypeForm } from "@/lib/bookings";
import { FormError, MoneyField } from "../payments/money-field";
import { Button } from "../ui/button";
import { Input, Label, Textarea } from "../ui/input";

function Field({ id, label, hint, children }: { id: string; label: string; hint?: string; children: ReactNode }) {
  return (
    <div className="flex flex-col gap-1.5">
      <Label htmlFor={id}>{label}</Label>
      {children}
      {hint && (
        <span className="text-xs text-muted-foreground" id={`${id}-hint`}>
          {hint}
        </span>
      )}
    </div>
  );
}

/** Create a booking type, or edit one (`type`): every field the API has, the price optional. */
export function BookingTypeForm({ type, linkPrefix, onDone }: { type?: BookingType; linkPrefix: string; onDone(): void }) {
  const create = useCreateBookingType();
  const update = useUpdateBookingType();
  const [f, setF] = useState<TypeForm>(() => typeFormFrom(type));
  // A new type's link name follows its title until typed in.
  const [slugTouched, setSlugTouched] = useState(Boolean(type));
  const [invalid, setInvalid] = useState<string | null>(null);
  const uid = useId();
  const id = (name: string) => `${uid}-${name}`;
  const busy = create.isPending || update.isPending;
  const error = create.error ?? update.error;

  const set =
    (k: keyof TypeForm) =>
    (e: { target: { value: string } }) =>
      setF((x) => ({ ...x, [k]: e.target.value }));
  const num = (k: keyof TypeForm, extra: { min: number; max: number }) => ({
    id: id(k),
    type: "number" as const,
    inputMode: "numeric" as const,
    className: "w-28",
    value: f[k] as string,
    onChange: set(k),
    "data-testid": `type-${k}`,
    ...extra,
  });

  function onSubmit(e: FormEvent) {
    e.preventDefault();
    const r = typeRequest(f);
    if ("error" in r) return setInvalid(r.error);
    setInvalid(null);
    if (type) update.mutate({ id: type.id, body: r.ok }, { onSuccess: onDone });
    else create.mutate(r.ok, { onSuccess: onDone });
  }

  return (
    <form onSubmit={onSubmit} className="flex flex-col gap-5" data-testid="type-form">
      <div className="grid gap-4 sm:grid-cols-2">
        <div className="sm:col-span-2">
          <Field id={id("title")} label="Title">
            <Input
              id={id("title")}
              value={f.title}
              maxLength={200}
              required
              onChange={(e) => {
                const title = e.target.value;
                setF((x) => ({ ...x, title, slug: slugTouched ? x.slug : slugify(title) }));
              }}
              data-testid="type-title"
            />
          </Field>
        </div>
        <div className="sm:col-span-2">
          <Field id={id("slug")} label="Link name" hint={`Your booking page: ${linkPrefix}${f.slug || "…"}`}>
            <Input
              id={id("slug")}
              value={f.slug}
              maxLength={64}
              required
              pattern="[a-z0-9]+(-[a-z0-9]+)*"
              aria-describedby={`${id("slug")}-hint`}
              onChange={(e) => {
                setSlugTouched(true);
                set("slug")(e);
              }}
              data-testid="type-slug"
            />
          </Field>
        </div>
        <div className="sm:col-span-2">
          <Field id={id("description")} label="Description (optional)">
            <Textarea id={id("description")} rows={3} maxLength={2000} value={f.description} onChange={set("description")} data-testid="type-description" />
          </Field>
        </div>
        <Field id={id("length")} label="Length (minutes)">
          <Input {...num("length", { min: 5, max: 720 })} required />
        </Field>
        <Field id={id("price")} label="Price (optional)" hint="Empty: free. Paid bookings are paid at Stripe's checkout when booked.">
          <MoneyField
            id={id("price")}
            testId="type-price"
            amount={f.price}
            currency={f.currency}
            onAmount={(v) => setF((x) => ({ ...x, price: v }))}
            onCurrency={(v) => setF((x) => ({ ...x, currency: v }))}
          />
        </Field>
      </div>

      <fieldset className="grid gap-4 sm:grid-cols-2">
        <legend className="mb-2 text-sm font-semibold">Scheduling</legend>
        <Field id={id("interval")} label="Start times every (minutes)" hint="Empty: the length.">
          <Input {...num("interval", { min: 5, max: 720 })} placeholder={f.length} />
        </Field>
        <Field id={id("notice")} label="Minimum notice (minutes)" hint="How long before a start it can still be booked.">
          <Input {...num("notice", { min: 0, max: 43200 })} required />
        </Field>
        <Field id={id("bufferBefore")} label="Buffer before (minutes)">
          <Input {...num("bufferBefore", { min: 0, max: 240 })} required />
        </Field>
        <Field id={id("bufferAfter")} label="Buffer after (minutes)">
          <Input {...num("bufferAfter", { min: 0, max: 240 })} required />
        </Field>
        <Field id={id("windowDays")} label="Bookable up to (days ahead)">
          <Input {...num("windowDays", { min: 1, max: 365 })} required />
        </Field>
        <Field id={id("maxPerDay")} label="At most per day (optional)" hint="Empty: no limit.">
          <Input {...num("maxPerDay", { min: 1, max: 100 })} />
        </Field>
      </fieldset>

      <fieldset className="flex flex-col gap-4">
        <legend className="mb-2 text-sm font-semibold">Policy</legend>
        <label className="flex items-center gap-2 text-sm">
          <input
            type="checkbox"
            className="size-4 accent-primary"
            checked={f.requiresConfirmation}
            onChange={(e) => setF((x) => ({ ...x, requiresConfirmation: e.target.checked }))}
            data-testid="type-requires-confirmation"
          />
          I confirm each booking myself
        </label>
        <Field id={id("refundHours")} label="Full refund until (hours before the start, optional)" hint="Empty: no refunds when a client cancels. You cancelling always refunds in full.">
          <Input {...num("refundHours", { min: 0, max: 720 })} />
        </Field>
      </fieldset>

      <FormError>{invalid ?? (error ? errorMessage(error) : null)}</FormError>
      <div className="flex justify-end gap-2">
        <Button variant="ghost" onClick={onDone}>
          Cancel
        </Button>
        <Button type="submit" disabled={busy} data-testid="type-save">
          {busy ? "Saving…" : type ? "Save changes" : "Create booking type"}
        </Button>
      </div>
    </form>
  );
}
