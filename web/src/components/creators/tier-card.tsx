"use client";
import { Check, Crown } from "lucide-react";
import type { Tier } from "@/lib/api/types";
import { formatMoney } from "@/lib/money";
import { cn } from "@/lib/utils";
import { Badge } from "../ui/badge";
import { Card, CardContent } from "../ui/card";

/** A tier as fans see it: name, monthly price, benefits, trial; `action` is its button. */
export function TierCard({ tier, action, className }: { tier: Tier; action?: React.ReactNode; className?: string }) {
  return (
    <Card className={cn("flex flex-col", !tier.active && "opacity-60", className)} data-testid="tier-card" data-tier-id={tier.id}>
      <CardContent className="flex flex-1 flex-col gap-3 p-5">
        <div className="flex items-start justify-between gap-2">
          <h3 className="flex items-center gap-2 font-semibold" data-testid="tier-name">
            <Crown className="size-4 text-amber-500" aria-hidden />
            {tier.name}
          </h3>
          {!tier.active && <Badge variant="secondary">Inactive</Badge>}
        </div>
        <p>
          <span className="text-2xl font-bold tabular-nums" data-testid="tier-price">
            {formatMoney(tier.amount, tier.currency)}
          </span>
          <span className="text-sm text-muted-foreground"> / month</span>
        </p>
        {tier.trial_days > 0 && (
          <p className="text-xs font-medium text-emerald-700 dark:text-emerald-400">
            {tier.trial_days} day{tier.trial_days === 1 ? "" : "s"} free trial
          </p>
        )}
        {tier.benefits.length > 0 && (
          <ul className="flex flex-col gap-1 text-sm">
            {tier.benefits.map((b, i) => (
              <li key={i} className="flex items-start gap-2">
                <Check className="mt-0.5 size-4 shrink-0 text-primary" aria-hidden />
                {b}
              </li>
            ))}
          </ul>
        )}
        {action && <div className="mt-auto pt-2">{action}</div>}
      </CardContent>
    </Card>
  );
}
