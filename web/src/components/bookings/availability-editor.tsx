"use client";
import { Check, CopyPlus, Plus, Trash2 } from "lucide-react";
import { useState, type FormEvent } from "react";
import { useAvailability, useSaveAvailability } from "@/hooks/queries/bookings";
import { errorMessage } from "@/lib/api/client";
import type { Availability, TimeRange, Weekday } from "@/lib/api/types";
import { availabilityFromDraft, browserTimeZone, draftFromAvailability, WEEKDAYS, type ScheduleDraft } from "@/lib/bookings";
import { FormError } from "../payments/money-field";
import { Button } from "../ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "../ui/card";
import { Input, Label } from "../ui/input";
import { ErrorState, Loading } from "../ui/states";
import { TimeZoneSelect } from "./time-zone-select";

const DEFAULT_RANGE: TimeRange = { start: "09:00", end: "17:00" };

/** One range's two times and its remove button; `label` names the day for screen readers. */
function RangeRow({
  range,
  label,
  onChange,
  onRemove,
  testId,
}: {
  range: TimeRange;
  label: string;
  onChange(r: TimeRange): void;
  onRemove(): void;
  testId: string;
}) {
  return (
    <div className="flex items-center gap-2" data-testid={testId}>
      <Input
        type="time"
        aria-label={`${label}: from`}
        className="w-32"
        value={range.start}
        required
        onChange={(e) => onChange({ ...range, start: e.target.value })}
        data-testid={`${testId}-start`}
      />
      <span aria-hidden className="text-muted-foreground">
        –
      </span>
      <Input
        type="time"
        aria-label={`${label}: until`}
        className="w-32"
        value={range.end}
        required
        onChange={(e) => onChange({ ...range, end: e.target.value })}
        data-testid={`${testId}-end`}
      />
      <Button variant="ghost" size="icon" onClick={onRemove} aria-label={`Remove ${label} ${range.start}–${range.end}`}>
        <Trash2 className="size-4" aria-hidden />
      </Button>
    </div>
  );
}

function Editor({ initial }: { initial: Availability }) {
  const save = useSaveAvailability();
  const [draft, setDraft] = useState<ScheduleDraft>(() => {
    const d = draftFromAvailability(initial);
    // Never set: start from the browser's zone rather than UTC.
    if (initial.weekly.length === 0 && initial.overrides.length === 0 && initial.time_zone === "UTC") d.timeZone = browserTimeZone();
    return d;
  });
  const [invalid, setInvalid] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);

  function update(f: (d: ScheduleDraft) => ScheduleDraft) {
    setSaved(false);
    setDraft((d) => f(d));
  }
  const setDay = (day: Weekday, ranges: TimeRange[]) => update((d) => ({ ...d, weekly: { ...d.weekly, [day]: ranges } }));
  const setOverride = (i: number, o: ScheduleDraft["overrides"][number] | null) =>
    update((d) => ({ ...d, overrides: o ? d.overrides.map((x, j) => (j === i ? o : x)) : d.overrides.filter((_, j) => j !== i) }));

  function copyToAll(day: Weekday) {
    update((d) => ({ ...d, weekly: Object.fromEntries(WEEKDAYS.map((w) => [w.day, d.weekly[day].map((r) => ({ ...r }))])) as ScheduleDraft["weekly"] }));
  }

  function onSubmit(e: FormEvent) {
    e.preventDefault();
    const r = availabilityFromDraft(draft);
    if ("error" in r) {
      setInvalid(r.error);
      return;
    }
    setInvalid(null);
    save.mutate(r.ok, { onSuccess: () => setSaved(true) });
  }

  return (
    <form onSubmit={onSubmit} className="flex flex-col gap-6" data-testid="availability-form">
      <div className="flex flex-col gap-1.5">
        <Label htmlFor="availability-tz">Your time zone</Label>
        <TimeZoneSelect id="availability-tz" value={draft.timeZone} onChange={(tz) => update((d) => ({ ...d, timeZone: tz }))} testId="availability-tz" className="sm:max-w-sm" />
        <span className="text-xs text-muted-foreground">Your hours below are in this zone; clients see them in theirs.</span>
      </div>

      <fieldset className="flex flex-col gap-3">
        <legend className="mb-2 text-sm font-semibold">Weekly hours</legend>
        {WEEKDAYS.map((w) => {
          const ranges = draft.weekly[w.day];
          const on = ranges.length > 0;
          return (
            <div key={w.day} className="flex flex-col gap-2 border-b border-border pb-3 last:border-0 sm:flex-row sm:items-start" data-testid={`weekday-${w.day}`}>
              <label className="flex w-36 shrink-0 items-center gap-2 pt-2 text-sm font-medium">
                <input
                  type="checkbox"
                  className="size-4 accent-primary"
                  checked={on}
                  onChange={(e) => setDay(w.day, e.target.checked ? [{ ...DEFAULT_RANGE }] : [])}
                  data-testid={`weekday-${w.day}-on`}
                />
                {w.label}
              </label>
              <div className="flex flex-1 flex-col gap-2">
                {!on && <p className="pt-2 text-sm text-muted-foreground">Unavailable</p>}
                {ranges.map((r, i) => (
                  <RangeRow
                    key={i}
                    range={r}
                    label={w.label}
                    testId={`weekday-${w.day}-range-${i}`}
                    onChange={(nr) => setDay(w.day, ranges.map((x, j) => (j === i ? nr : x)))}
                    onRemove={() => setDay(w.day, ranges.filter((_, j) => j !== i))}
                  />
                ))}
                {on && (
                  <div className="flex flex-wrap gap-2">
                    <Button size="sm" variant="ghost" onClick={() => setDay(w.day, [...ranges, { start: "18:00", end: "20:00" }])} aria-label={`Add hours on ${w.label}`}>
                      <Plus className="size-3.5" aria-hidden /> Add hours
                    </Button>
                    <Button size="sm" variant="ghost" onClick={() => copyToAll(w.day)} aria-label={`Copy to every day: ${w.label}'s hours`} data-testid={`weekday-${w.day}-copy`}>
                      <CopyPlus className="size-3.5" aria-hidden /> Copy to every day
                    </Button>
                  </div>
                )}
              </div>
            </div>
          );
        })}
      </fieldset>

      <fieldset className="flex flex-col gap-3">
        <legend className="mb-1 text-sm font-semibold">Date overrides</legend>
        <p className="text-sm text-muted-foreground">A date here replaces its weekday&apos;s hours; with no hours, you&apos;re unavailable that day.</p>
        {draft.overrides.map((o, i) => {
          const label = o.date || `Override ${i + 1}`;
          return (
            <div key={i} className="flex flex-col gap-2 rounded-lg border border-border p-3" data-testid={`override-${i}`}>
              <div className="flex flex-wrap items-center gap-2">
                <Input
                  type="date"
                  aria-label={`Override ${i + 1}: date`}
                  className="w-44"
                  value={o.date}
                  required
                  onChange={(e) => setOverride(i, { ...o, date: e.target.value })}
                  data-testid={`override-${i}-date`}
                />
                <span className="text-sm text-muted-foreground">{o.ranges.length === 0 ? "Unavailable all day" : "Available only:"}</span>
                <Button variant="ghost" size="sm" className="ml-auto" onClick={() => setOverride(i, null)} aria-label={`Remove the override for ${label}`}>
                  <Trash2 className="size-3.5" aria-hidden /> Remove
                </Button>
              </div>
              {o.ranges.map((r, j) => (
                <RangeRow
                  key={j}
                  range={r}
                  label={label}
                  testId={`override-${i}-range-${j}`}
                  onChange={(nr) => setOverride(i, { ...o, ranges: o.ranges.map((x, k) => (k === j ? nr : x)) })}
                  onRemove={() => setOverride(i, { ...o, ranges: o.ranges.filter((_, k) => k !== j) })}
                />
              ))}
              <div>
                <Button size="sm" variant="ghost" onClick={() => setOverride(i, { ...o, ranges: [...o.ranges, { ...DEFAULT_RANGE }] })} aria-label={`Add hours on ${label}`}>
                  <Plus className="size-3.5" aria-hidden /> Add hours
                </Button>
              </div>
            </div>
          );
        })}
        <div>
          <Button size="sm" variant="outline" onClick={() => update((d) => ({ ...d, overrides: [...d.overrides, { date: "", ranges: [] }] }))} data-testid="override-add">
            <Plus className="size-3.5" aria-hidden /> Add a date
          </Button>
        </div>
      </fieldset>

      <FormError>{invalid ?? (save.isError ? errorMessage(save.error) : null)}</FormError>
      <div className="flex items-center justify-end gap-3">
        {saved && (
          <span className="inline-flex items-center gap-1 text-sm text-emerald-700 dark:text-emerald-400" data-testid="availability-saved" role="status">
            Saved <Check className="size-4" aria-hidden />
          </span>
        )}
        <Button type="submit" disabled={save.isPending} data-testid="availability-save">
          {save.isPending ? "Saving…" : "Save hours"}
        </Button>
      </div>
    </form>
  );
}

/** My schedule: zone, weekly hours, date overrides. */
export function AvailabilityCard() {
  const a = useAvailability();
  return (
    <Card data-testid="availability-card">
      <CardHeader>
        <CardTitle>Availability</CardTitle>
        <CardDescription>When clients can book you. Each booking type&apos;s notice, buffers and limits apply on top.</CardDescription>
      </CardHeader>
      <CardContent>
        {a.isPending ? <Loading /> : a.isError ? <ErrorState error={errorMessage(a.error)} onRetry={() => a.refetch()} /> : <Editor initial={a.data} />}
      </CardContent>
    </Card>
  );
}
