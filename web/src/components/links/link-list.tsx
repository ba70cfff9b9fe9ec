"use client";
import { CalendarClock, Link2, MousePointerClick, Pencil, RefreshCw, Tag, Trash2, X } from "lucide-react";
import { useState } from "react";
import { useLinks, useRefreshLinks } from "@/hooks/queries/links";
import { errorMessage } from "@/lib/api/client";
import type { LinkView } from "@/lib/api/types";
import { clicksText, displayUrl, expiryText, isExpired, linkName } from "@/lib/links";
import { cn } from "@/lib/utils";
import { Badge } from "../ui/badge";
import { Button } from "../ui/button";
import { Card } from "../ui/card";
import { CopyButton } from "../ui/copy-button";
import { EmptyState, ErrorState, Loading } from "../ui/states";
import { ClicksChart } from "./clicks-chart";
import { DeleteLinkDialog, EditLinkDialog } from "./link-dialogs";

/** A tag that shows only the links with it (pressed while it does; pressed again, all). */
function TagChip({ tag, active, onTag }: { tag: string; active: boolean; onTag(tag: string | null): void }) {
  return (
    <button
      type="button"
      aria-pressed={active}
      onClick={() => onTag(active ? null : tag)}
      data-testid="link-tag"
      data-tag={tag}
      className={cn(
        "inline-flex max-w-full items-center gap-1 rounded-full border px-2 py-0.5 text-xs font-medium",
        "focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring",
        active ? "border-primary bg-primary text-primary-foreground" : "border-border bg-muted text-foreground hover:border-primary",
      )}
    >
      <Tag className="size-3 shrink-0" aria-hidden />
      <span className="truncate">{tag}</span>
    </button>
  );
}

function LinkRow({ link, tag, onTag }: { link: LinkView; tag: string | null; onTag(tag: string | null): void }) {
  const [dialog, setDialog] = useState<"edit" | "delete" | null>(null);
  const name = linkName(link);
  const expired = isExpired(link);
  const expiry = expiryText(link);
  return (
    <li
      className="flex flex-col gap-4 p-4 sm:flex-row sm:items-start"
      data-testid="link-row"
      data-link-id={link.id}
      data-code={link.code}
      data-expired={expired}
    >
      <div className="flex min-w-0 flex-1 flex-col gap-2">
        <div className="min-w-0">
          <h3 className="truncate font-semibold" data-testid="link-row-name" title={name}>
            {name}
          </h3>
          {link.title && (
            <a
              href={link.long_url}
              target="_blank"
              rel="noopener noreferrer"
              title={link.long_url}
              className="block truncate text-sm text-muted-foreground underline-offset-2 hover:underline"
              data-testid="link-row-long-url"
            >
              {displayUrl(link.long_url)}
            </a>
          )}
        </div>
        <div className="flex flex-wrap items-center gap-2">
          <a
            href={link.short_url}
            target="_blank"
            rel="noopener noreferrer"
            className={cn(
              "min-w-0 break-all rounded-md bg-muted px-2 py-1 font-mono text-sm text-primary underline-offset-2 hover:underline",
              expired && "line-through",
            )}
            data-testid="link-short-url"
          >
            {link.short_url}
          </a>
          <CopyButton text={link.short_url} what={`the short link for ${name}`} data-testid="link-copy" />
        </div>
        {link.tags.length > 0 && (
          <ul className="flex flex-wrap gap-1.5" aria-label="Tags: pick one to show only its links" data-testid="link-tags">
            {link.tags.map((t) => (
              <li key={t} className="max-w-full">
                <TagChip tag={t} active={t === tag} onTag={onTag} />
              </li>
            ))}
          </ul>
        )}
        <div className="flex flex-wrap items-center gap-x-4 gap-y-1 text-sm text-muted-foreground">
          <span className="inline-flex items-center gap-1">
            <MousePointerClick className="size-4" aria-hidden />
            <span className="font-medium text-foreground tabular-nums" data-testid="link-clicks" data-count={link.click_count}>
              {clicksText(link.click_count)}
            </span>
          </span>
          {expiry && (
            <span className="inline-flex items-center gap-1" data-testid="link-expiry">
              <CalendarClock className="size-4" aria-hidden />
              {expired ? <Badge className="bg-red-600 text-white dark:bg-red-500/20 dark:text-red-300">{expiry}</Badge> : expiry}
            </span>
          )}
          <span>
            Made{" "}
            <time dateTime={link.created_at}>{new Date(link.created_at).toLocaleDateString(undefined, { dateStyle: "medium" })}</time>
          </span>
        </div>
        <div className="flex flex-wrap gap-2">
          <Button size="sm" variant="outline" onClick={() => setDialog("edit")} data-testid="link-edit">
            <Pencil className="size-3.5" aria-hidden /> Edit
            <span className="sr-only"> {name}</span>
          </Button>
          <Button size="sm" variant="ghost" onClick={() => setDialog("delete")} data-testid="link-delete">
            <Trash2 className="size-3.5" aria-hidden /> Delete
            <span className="sr-only"> {name}</span>
          </Button>
        </div>
      </div>
      <ClicksChart linkId={link.id} className="w-full shrink-0 sm:w-48" />
      {dialog === "edit" && <EditLinkDialog link={link} onClose={() => setDialog(null)} />}
      {dialog === "delete" && <DeleteLinkDialog link={link} onClose={() => setDialog(null)} />}
    </li>
  );
}

/** My links, newest first, optionally those with one tag; a tag's chip filters by it. */
export function LinkList({ tag, onTag }: { tag: string | null; onTag(tag: string | null): void }) {
  const list = useLinks(tag);
  const refresh = useRefreshLinks();
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];
  const refreshing = list.isFetching && !list.isPending && !list.isFetchingNextPage;
  return (
    <section className="flex flex-col gap-3" aria-labelledby="links-heading" data-testid="links-section" data-tag={tag ?? ""}>
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h2 id="links-heading" className="text-lg font-semibold">
          Your links
        </h2>
        <Button size="sm" variant="outline" onClick={() => void refresh()} disabled={refreshing} data-testid="links-refresh">
          <RefreshCw className={cn("size-3.5", refreshing && "animate-spin")} aria-hidden /> {refreshing ? "Refreshing…" : "Refresh"}
          <span className="sr-only"> the links and their clicks</span>
        </Button>
      </div>
      {tag && (
        <div className="flex flex-wrap items-center gap-2 rounded-lg border border-border bg-muted/50 px-3 py-2 text-sm" data-testid="links-filter">
          <span>
            Showing links tagged <span className="font-semibold" data-testid="links-filter-tag">{tag}</span>
          </span>
          <Button size="sm" variant="ghost" className="ml-auto" onClick={() => onTag(null)} data-testid="links-filter-clear">
            <X className="size-3.5" aria-hidden /> Clear filter
          </Button>
        </div>
      )}
      {list.isPending ? (
        <Loading label="Loading your links…" />
      ) : list.isError ? (
        <ErrorState error={errorMessage(list.error)} onRetry={() => list.refetch()} />
      ) : items.length === 0 ? (
        <Card>
          <EmptyState icon={<Link2 />} title={tag ? `No links tagged “${tag}”` : "No short links yet"}>
            {tag ? "Clear the filter to see all your links." : "Shorten a URL above: it shows here with its clicks."}
          </EmptyState>
        </Card>
      ) : (
        <Card>
          <ul className="divide-y divide-border" data-testid="link-list">
            {items.map((l) => (
              <LinkRow key={l.id} link={l} tag={tag} onTag={onTag} />
            ))}
          </ul>
        </Card>
      )}
      {list.hasNextPage && (
        <div className="flex justify-center">
          <Button variant="outline" onClick={() => void list.fetchNextPage()} disabled={list.isFetchingNextPage} data-testid="links-more">
            {list.isFetchingNextPage ? "Loading…" : "Load more"}
          </Button>
        </div>
      )}
    </section>
  );
}
