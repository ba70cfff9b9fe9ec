"use client";
import { Globe } from "lucide-react";
import { useId, useMemo, useState } from "react";
import { useSlots } from "@/hooks/queries/bookings";
import { errorMessage } from "@/lib/api/client";
import type { Slot } from "@/lib/api/types";
import { addMonths, compareMonths, dayKey, formatDayLong, formatMonth, formatTimeIn, lastBookableMonth, monthKey, monthOf, slotsByDay, type YearMonth } from "@/lib/bookings";
import { cn } from "@/lib/utils";
import { Button } from "../ui/button";
import { Label } from "../ui/input";
import { ErrorState, Skeleton } from "../ui/states";
import { MonthCalendar } from "./month-calendar";
import { TimeZoneSelect } from "./time-zone-select";

/**
 * Pick one of a host's slots: a month calendar (days with slots enabled), the chosen day's
 * times in the visitor's zone, and the zone itself (changeable; the instants stay the same).
 */
export function SlotPicker({
  hostId,
  slug,
  windowDays,
  tz,
  onTz,
  selected,
  onSelect,
  initialDay,
  idPrefix = "slots",
}: {
  hostId: string;
  slug: string;
  windowDays: number;
  tz: string;
  onTz(tz: string): void;
  selected: Slot | null;
  onSelect(slot: Slot | null): void;
  /** Where to open (`YYYY-MM-DD` in `tz`), e.g. the day of a slot chosen before signing in. */
  initialDay?: string | null;
  idPrefix?: string;
}) {
  const zoneId = useId();
  const now = new Date();
  const minMonth = monthOf(now, tz);
  const maxMonth = lastBookableMonth(windowDays, tz, now);
  const [month, setMonth] = useState<YearMonth>(() =>
    initialDay ? { year: Number(initialDay.slice(0, 4)), month: Number(initialDay.slice(5, 7)) } : minMonth,
  );
  const [pickedDay, setPickedDay] = useState<string | null>(initialDay ?? null);
  const slots = useSlots(hostId, slug, month);

  const byDay = useMemo(() => {
    const prefix = monthKey(month);
    const all = slotsByDay(slots.data ?? [], tz);
    return new Map([...all].filter(([d]) => d.startsWith(prefix)));
  }, [slots.data, tz, month]);
  const counts = useMemo(() => new Map([...byDay].map(([d, list]) => [d, list.length])), [byDay]);
  // The day shown: the one picked if it has times, else the month's first with times.
  const day = pickedDay && byDay.has(pickedDay) ? pickedDay : ([...byDay.keys()][0] ?? null);
  const times = day ? (byDay.get(day) ?? []) : [];
  const today = dayKey(now, tz);

  function changeMonth(m: YearMonth) {
    setMonth(m);
    setPickedDay(null);
  }

  return (
    <div className="grid gap-6 md:grid-cols-[minmax(0,20rem)_minmax(0,1fr)]" data-testid={`${idPrefix}-picker`}>
      <div className="flex flex-col gap-3">
        {slots.isError ? (
          <ErrorState error={errorMessage(slots.error)} onRetry={() => slots.refetch()} />
        ) : (
          <MonthCalendar
            month={month}
            onMonth={changeMonth}
            minMonth={minMonth}
            maxMonth={compareMonths(maxMonth, minMonth) < 0 ? minMonth : maxMonth}
            counts={counts}
            selected={day}
            onSelect={(d) => {
              setPickedDay(d);
              if (selected && dayKey(selected.start, tz) !== d) onSelect(null);
            }}
            today={today}
            busy={slots.isFetching}
          />
        )}
      </div>
      <div className="flex min-w-0 flex-col gap-3">
        <div className="flex flex-col gap-1.5">
          <Label htmlFor={zoneId} className="flex items-center gap-1.5">
            <Globe className="size-4 text-muted-foreground" aria-hidden /> Time zone
          </Label>
          <TimeZoneSelect id={zoneId} value={tz} onChange={onTz} testId={`${idPrefix}-tz`} />
        </div>
        {slots.isPending ? (
          <div className="flex flex-col gap-2" aria-hidden>
            {[0, 1, 2, 3].map((i) => (
              <Skeleton key={i} className="h-9" />
            ))}
          </div>
        ) : slots.isError ? null : day === null ? (
          <div className="flex flex-col items-start gap-2 text-sm text-muted-foreground" data-testid={`${idPrefix}-none`}>
            <p>No open times in {formatMonth(month)}.</p>
            {compareMonths(month, maxMonth) < 0 && (
              <Button size="sm" variant="outline" onClick={() => changeMonth(addMonths(month, 1))}>
                Look in {formatMonth(addMonths(month, 1))}
              </Button>
            )}
          </div>
        ) : (
          <section aria-labelledby={`${idPrefix}-day-heading`} className="flex min-w-0 flex-col gap-2">
            <h3 id={`${idPrefix}-day-heading`} className="text-sm font-semibold" data-testid={`${idPrefix}-day`} data-day={day}>
              {formatDayLong(day)}
            </h3>
            <ul className="grid max-h-80 grid-cols-2 gap-2 overflow-y-auto p-0.5 sm:grid-cols-3" data-testid={`${idPrefix}-times`}>
              {times.map((s) => {
                const on = selected !== null && Date.parse(selected.start) === Date.parse(s.start);
                return (
                  <li key={s.start}>
                    <button
                      type="button"
                      aria-pressed={on}
                      data-testid="slot"
                      data-start={s.start}
                      onClick={() => onSelect(on ? null : s)}
                      className={cn(
                        "h-9 w-full rounded-lg border text-sm font-medium tabular-nums transition-colors",
                        "focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring focus-visible:ring-offset-2 focus-visible:ring-offset-background",
                        on ? "border-primary bg-primary text-primary-foreground" : "border-border hover:border-primary hover:bg-primary/10",
                      )}
                    >
                      {formatTimeIn(s.start, tz)}
                    </button>
                  </li>
                );
              })}
            </ul>
          </section>
        )}
      </div>
    </div>
  );
}
