"use client";
import { useLinkStats } from "@/hooks/queries/links";
import type { LinkStats } from "@/lib/api/types";
import { barHeights, busiestDay, CHART_DAYS, clicksText, dayLabel, periodClicks, statsSummary } from "@/lib/links";
import { cn } from "@/lib/utils";
import { Skeleton } from "../ui/states";

const BAR = 4;
const GAP = 2;
const HEIGHT = 40;

/** The bars: one per UTC day, oldest on the left; a day without clicks is a faint stub. */
function Bars({ stats, label }: { stats: LinkStats; label: string }) {
  const heights = barHeights(
    stats.days.map((d) => d.clicks),
    HEIGHT,
    2,
  );
  const width = Math.max(1, stats.days.length * (BAR + GAP) - GAP);
  return (
    <svg
      role="img"
      aria-label={label}
      viewBox={`0 0 ${width} ${HEIGHT}`}
      preserveAspectRatio="none"
      className="h-10 w-full"
      data-testid="link-chart-bars"
    >
      {stats.days.map((d, i) => {
        const h = heights[i];
        return (
          <rect
            key={d.date}
            x={i * (BAR + GAP)}
            y={HEIGHT - Math.max(h, 1)}
            width={BAR}
            height={Math.max(h, 1)}
            rx={h > 2 ? 1 : 0}
            className={h > 0 ? "fill-primary" : "fill-muted-foreground/30"}
            data-date={d.date}
            data-clicks={d.clicks}
          >
            <title>{`${dayLabel(d.date)}: ${clicksText(d.clicks)}`}</title>
          </rect>
        );
      })}
    </svg>
  );
}

/**
 * A link's clicks over the last 30 days: bars (an image whose label sums them up) and, as
 * text, the total and each day that had clicks.
 */
export function ClicksChart({ linkId, className }: { linkId: string; className?: string }) {
  const stats = useLinkStats(linkId, CHART_DAYS);
  if (stats.isPending) {
    return (
      <div className={cn("flex flex-col gap-1", className)} data-testid="link-chart" data-state="loading">
        <Skeleton className="h-10 w-full" />
        <span className="text-xs text-muted-foreground">Loading clicks…</span>
      </div>
    );
  }
  if (stats.isError) {
    return (
      <div className={cn("flex flex-col items-start gap-1 text-xs", className)} data-testid="link-chart" data-state="error">
        <span className="text-red-700 dark:text-red-400">Couldn&apos;t load the clicks.</span>
        <button type="button" className="text-primary underline underline-offset-2" onClick={() => void stats.refetch()}>
          Try again
        </button>
      </div>
    );
  }
  const summary = statsSummary(stats.data, CHART_DAYS);
  const total = periodClicks(stats.data);
  const peak = busiestDay(stats.data);
  const clicked = stats.data.days.filter((d) => d.clicks > 0);
  return (
    <figure className={cn("flex flex-col gap-1", className)} data-testid="link-chart" data-state="ready" data-total={total}>
      <Bars stats={stats.data} label={summary} />
      <figcaption className="flex flex-wrap justify-between gap-x-2 text-xs text-muted-foreground">
        <span data-testid="link-chart-summary">{summary}</span>
        {peak && total > peak.clicks && (
          <span>
            Most on {dayLabel(peak.date)} ({peak.clicks})
          </span>
        )}
      </figcaption>
      {clicked.length > 0 && (
        <details className="text-xs" data-testid="link-chart-days">
          <summary className="cursor-pointer rounded text-muted-foreground hover:text-foreground focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring">
            Clicks by day
          </summary>
          <table className="mt-1 w-full tabular-nums">
            <caption className="sr-only">Clicks per day (UTC), days without clicks left out</caption>
            <thead className="sr-only">
              <tr>
                <th scope="col">Day</th>
                <th scope="col">Clicks</th>
              </tr>
            </thead>
            <tbody>
              {clicked.map((d) => (
                <tr key={d.date}>
                  <td className="py-0.5 pr-3">{dayLabel(d.date)}</td>
                  <td className="py-0.5 text-right font-medium">{d.clicks}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      )}
    </figure>
  );
}
