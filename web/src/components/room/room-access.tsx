"use client";
import { Crown } from "lucide-react";
import { useMyTiers } from "@/hooks/queries/creators";
import { useUpdateRoom } from "@/hooks/queries/rooms";
import { errorMessage } from "@/lib/api/client";
import type { Room } from "@/lib/api/types";
import { formatMoney } from "@/lib/money";
import { selectClass } from "../payments/money-field";

/** Owners: make the room subscriber-only (one of their tiers) or open again. */
export function RoomAccessSection({ room }: { room: Room }) {
  const tiers = useMyTiers();
  const update = useUpdateRoom(room.id);
  const current = room.required_tier_id ?? "";
  const options = (tiers.data ?? []).filter((t) => t.active || t.id === current);
  return (
    <div className="flex flex-col gap-2 border-t border-border pt-4" data-testid="room-access">
      <label htmlFor="room-required-tier" className="flex items-center gap-2 text-sm font-medium">
        <Crown className="size-4 text-amber-500" aria-hidden /> Who may join
      </label>
      <select
        id="room-required-tier"
        className={selectClass}
        value={current}
        disabled={update.isPending || tiers.isPending}
        onChange={(e) => update.mutate({ required_tier_id: e.target.value || null })}
        data-testid="room-required-tier"
      >
        <option value="">Everyone</option>
        {options.map((t) => (
          <option key={t.id} value={t.id}>
            Subscribers of {t.name} ({formatMoney(t.amount, t.currency)}/month)
          </option>
        ))}
      </select>
      {tiers.isSuccess && tiers.data.length === 0 && (
        <p className="text-xs text-muted-foreground">Create a tier on your creator page to make this room subscriber-only.</p>
      )}
      {update.isError && (
        <p role="alert" className="text-sm text-red-700 dark:text-red-400">
          {errorMessage(update.error)}
        </p>
      )}
    </div>
  );
}
