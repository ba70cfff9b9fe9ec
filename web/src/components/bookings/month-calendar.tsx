"use client";
import { ChevronLeft, ChevronRight } from "lucide-react";
import { useEffect, useId, useRef, useState, type KeyboardEvent } from "react";
import { addDays, addMonths, compareMonths, formatDayLong, formatMonth, monthGrid, monthKey, type YearMonth } from "@/lib/bookings";
import { cn } from "@/lib/utils";
import { Button } from "../ui/button";

const WEEK = [
  { short: "Mo", long: "Monday" },
  { short: "Tu", long: "Tuesday" },
  { short: "We", long: "Wednesday" },
  { short: "Th", long: "Thursday" },
  { short: "Fr", long: "Friday" },
  { short: "Sa", long: "Saturday" },
  { short: "Su", long: "Sunday" },
];

const monthOfDay = (day: string): YearMonth => ({ year: Number(day.slice(0, 4)), month: Number(day.slice(5, 7)) });

/**
 * A month of days as an ARIA grid: days with slots are selectable, the others are there
 * but disabled. One day is in the tab order; arrows move by day and week, Home/End to the
 * week's ends, Page Up/Down by month (the APG date-picker keys).
 */
export function MonthCalendar({
  month,
  onMonth,
  minMonth,
  maxMonth,
  counts,
  selected,
  onSelect,
  today,
  busy,
}: {
  month: YearMonth;
  onMonth(m: YearMonth): void;
  minMonth: YearMonth;
  maxMonth: YearMonth;
  /** How many slots each day (`YYYY-MM-DD`) has; absent: none. */
  counts: Map<string, number>;
  selected: string | null;
  onSelect(day: string): void;
  /** Today in the zone shown. */
  today: string;
  busy?: boolean;
}) {
  const headingId = useId();
  const grid = monthGrid(month);
  const days = grid.flat().filter((d): d is string => d !== null);
  const firstAvailable = days.find((d) => counts.get(d));
  const [focusDay, setFocusDay] = useState<string | null>(null);
  const wantFocus = useRef(false);
  const tableRef = useRef<HTMLTableElement>(null);

  // The day in the tab order: the focused one if in this month, else the selected one, else
  // the first with slots, else today, else the 1st.
  const inMonth = (d: string | null | undefined): d is string => typeof d === "string" && days.includes(d);
  const tabDay = [focusDay, selected, firstAvailable, today, days[0]].find(inMonth) ?? days[0];

  useEffect(() => {
    if (!wantFocus.current) return;
    wantFocus.current = false;
    tableRef.current?.querySelector<HTMLButtonElement>(`button[data-day="${tabDay}"]`)?.focus();
  });

  const canPrev = compareMonths(month, minMonth) > 0;
  const canNext = compareMonths(month, maxMonth) < 0;

  function moveTo(day: string) {
    const m = monthOfDay(day);
    if (compareMonths(m, minMonth) < 0 || compareMonths(m, maxMonth) > 0) return;
    if (compareMonths(m, month) !== 0) onMonth(m);
    wantFocus.current = true;
    setFocusDay(day);
  }

  function onKeyDown(e: KeyboardEvent<HTMLTableElement>) {
    const from = (e.target as HTMLElement).dataset.day;
    if (!from) return;
    const weekday = (new Date(`${from}T00:00:00Z`).getUTCDay() + 6) % 7;
    const sameDayOfMonth = (by: number) => {
      const m = addMonths(monthOfDay(from), by);
      const last = new Date(Date.UTC(m.year, m.month, 0)).getUTCDate();
      return `${monthKey(m)}-${String(Math.min(Number(from.slice(8)), last)).padStart(2, "0")}`;
    };
    const to: Record<string, () => string> = {
      ArrowLeft: () => addDays(from, -1),
      ArrowRight: () => addDays(from, 1),
      ArrowUp: () => addDays(from, -7),
      ArrowDown: () => addDays(from, 7),
      Home: () => addDays(from, -weekday),
      End: () => addDays(from, 6 - weekday),
      PageUp: () => sameDayOfMonth(-1),
      PageDown: () => sameDayOfMonth(1),
    };
    const next = to[e.key];
    if (!next) return;
    e.preventDefault();
    moveTo(next());
  }

  return (
    <div className="flex flex-col gap-2" data-testid="month-calendar" data-month={monthKey(month)} aria-busy={busy || undefined}>
      <div className="flex items-center justify-between gap-2">
        <Button variant="ghost" size="icon" onClick={() => onMonth(addMonths(month, -1))} disabled={!canPrev} aria-label="Previous month" data-testid="calendar-prev">
          <ChevronLeft className="size-4" aria-hidden />
        </Button>
        <h3 id={headingId} className="text-sm font-semibold" aria-live="polite" data-testid="calendar-month">
          {formatMonth(month)}
        </h3>
        <Button variant="ghost" size="icon" onClick={() => onMonth(addMonths(month, 1))} disabled={!canNext} aria-label="Next month" data-testid="calendar-next">
          <ChevronRight className="size-4" aria-hidden />
        </Button>
      </div>
      <table ref={tableRef} role="grid" aria-labelledby={headingId} className="w-full table-fixed border-collapse text-center" onKeyDown={onKeyDown}>
        <thead>
          <tr>
            {WEEK.map((w) => (
              <th key={w.long} scope="col" abbr={w.long} className="pb-1 text-xs font-medium text-muted-foreground">
                {w.short}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {grid.map((week, i) => (
            <tr key={i}>
              {week.map((day, j) =>
                day === null ? (
                  <td key={j} />
                ) : (
                  <td key={day} aria-selected={day === selected} className="p-0.5">
                    <DayButton
                      day={day}
                      count={counts.get(day) ?? 0}
                      selected={day === selected}
                      today={day === today}
                      tabbable={day === tabDay}
                      onSelect={() => {
                        setFocusDay(day);
                        onSelect(day);
                      }}
                      onFocus={() => setFocusDay(day)}
                    />
                  </td>
                ),
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function DayButton({
  day,
  count,
  selected,
  today,
  tabbable,
  onSelect,
  onFocus,
}: {
  day: string;
  count: number;
  selected: boolean;
  today: boolean;
  tabbable: boolean;
  onSelect(): void;
  onFocus(): void;
}) {
  const available = count > 0;
  const label = `${formatDayLong(day)}${today ? " (today)" : ""}: ${available ? `${count} time${count === 1 ? "" : "s"} available` : "no times available"}`;
  return (
    <button
      type="button"
      data-day={day}
      data-available={available ? "true" : "false"}
      data-testid="calendar-day"
      tabIndex={tabbable ? 0 : -1}
      aria-label={label}
      aria-disabled={!available || undefined}
      aria-current={today ? "date" : undefined}
      onFocus={onFocus}
      onClick={() => available && onSelect()}
      className={cn(
        "mx-auto flex aspect-square w-full max-w-10 items-center justify-center rounded-full text-sm tabular-nums",
        "focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring focus-visible:ring-offset-2 focus-visible:ring-offset-background",
        available ? "bg-primary/10 font-semibold text-foreground hover:bg-primary/20" : "cursor-default text-muted-foreground",
        selected && "bg-primary text-primary-foreground hover:bg-primary",
        today && !selected && "underline underline-offset-4",
      )}
    >
      {Number(day.slice(8))}
    </button>
  );
}
