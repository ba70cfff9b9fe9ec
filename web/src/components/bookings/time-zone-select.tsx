"use client";
import { useMemo } from "react";
import { timeZoneOptions, zoneLabel } from "@/lib/bookings";
import { cn } from "@/lib/utils";
import { selectClass } from "../payments/money-field";

/** A select of IANA zones, each with its offset now ("Europe/Paris (GMT+1)"). */
export function TimeZoneSelect({
  id,
  value,
  onChange,
  testId,
  className,
  disabled,
}: {
  id: string;
  value: string;
  onChange(tz: string): void;
  testId?: string;
  className?: string;
  disabled?: boolean;
}) {
  const options = useMemo(() => {
    const now = new Date();
    return timeZoneOptions([value]).map((tz) => ({ tz, label: zoneLabel(tz, now) }));
  }, [value]);
  return (
    <select id={id} value={value} onChange={(e) => onChange(e.target.value)} className={cn(selectClass, "max-w-full", className)} data-testid={testId} disabled={disabled}>
      {options.map((o) => (
        <option key={o.tz} value={o.tz}>
          {o.label}
        </option>
      ))}
    </select>
  );
}
