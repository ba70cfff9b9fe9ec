"use client";
import { CalendarSync, TriangleAlert } from "lucide-react";
import { useId } from "react";
import { useNewCalendarFeed } from "@/hooks/queries/bookings";
import { errorMessage } from "@/lib/api/client";
import { FormError } from "../payments/money-field";
import { Button } from "../ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "../ui/card";
import { CopyButton } from "../ui/copy-button";
import { Input, Label } from "../ui/input";

/** A secret calendar-feed URL to subscribe to; making one ends the one before. */
export function CalendarFeedCard() {
  const feed = useNewCalendarFeed();
  const urlId = useId();
  return (
    <Card data-testid="calendar-feed-card">
      <CardHeader>
        <CardTitle className="flex items-center gap-2">
          <CalendarSync className="size-5" aria-hidden /> Calendar feed
        </CardTitle>
        <CardDescription>Subscribe to your bookings (as host and as client) in Google Calendar, Apple Calendar or Outlook.</CardDescription>
      </CardHeader>
      <CardContent className="flex flex-col gap-3">
        <p className="flex items-start gap-2 rounded-lg border border-amber-500/40 bg-amber-500/10 p-3 text-sm" data-testid="calendar-feed-warning">
          <TriangleAlert className="mt-0.5 size-4 shrink-0 text-amber-700 dark:text-amber-400" aria-hidden />
          <span>
            The link is secret: anyone who has it sees your bookings. Making a new link stops the previous one working, so calendars subscribed to it stop updating.
          </span>
        </p>
        {feed.data && (
          <div className="flex flex-col gap-1.5">
            <Label htmlFor={urlId}>Your feed URL</Label>
            <div className="flex flex-wrap items-center gap-2">
              <Input id={urlId} readOnly value={feed.data.url} className="min-w-0 flex-1 font-mono text-xs" onFocus={(e) => e.target.select()} data-testid="calendar-feed-url" />
              <CopyButton text={feed.data.url} label="Copy URL" data-testid="calendar-feed-copy" />
            </div>
            <span className="text-xs text-muted-foreground">Shown once: copy it now and paste it as a new calendar subscription (“From URL”).</span>
          </div>
        )}
        <FormError>{feed.isError ? errorMessage(feed.error) : null}</FormError>
        <div>
          <Button
            variant={feed.data ? "outline" : "default"}
            disabled={feed.isPending}
            data-testid="calendar-feed-new"
            onClick={() => {
              if (!feed.data || window.confirm("Make a new link? The one above stops working.")) feed.mutate();
            }}
          >
            {feed.isPending ? "Making a link…" : feed.data ? "Make a new link" : "Get a feed link"}
          </Button>
        </div>
      </CardContent>
    </Card>
  );
}
