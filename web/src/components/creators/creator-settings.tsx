"use client";
import { Check, Pencil, Plus } from "lucide-react";
import { useEffect, useState, type FormEvent } from "react";
import { useMyTiers, useUpdateCreatorProfile, useUpdateTier } from "@/hooks/queries/creators";
import { errorMessage } from "@/lib/api/client";
import type { Creator, Tier } from "@/lib/api/types";
import { FormError } from "../payments/money-field";
import { Button } from "../ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "../ui/card";
import { Dialog } from "../ui/dialog";
import { Label, Textarea } from "../ui/input";
import { Loading } from "../ui/states";
import { TierCard } from "./tier-card";
import { TierForm } from "./tier-form";

/** My page's bio and whether it shows my subscriber count. */
export function CreatorProfileForm({ creator }: { creator: Creator }) {
  const save = useUpdateCreatorProfile();
  const [bio, setBio] = useState(creator.bio);
  const [showCount, setShowCount] = useState(creator.subscriber_count != null);
  const [saved, setSaved] = useState(false);
  useEffect(() => setBio(creator.bio), [creator.bio]);

  function onSubmit(e: FormEvent) {
    e.preventDefault();
    setSaved(false);
    save.mutate({ bio, show_subscriber_count: showCount }, { onSuccess: () => setSaved(true) });
  }

  return (
    <Card>
      <CardHeader>
        <CardTitle>Your creator page</CardTitle>
        <CardDescription>What fans read above your tiers.</CardDescription>
      </CardHeader>
      <CardContent>
        <form onSubmit={onSubmit} className="flex flex-col gap-3">
          <Label htmlFor="creator-bio">Bio</Label>
          <Textarea id="creator-bio" rows={3} maxLength={2000} value={bio} onChange={(e) => setBio(e.target.value)} data-testid="creator-bio-input" />
          <label className="flex items-center gap-2 text-sm">
            <input type="checkbox" className="size-4 accent-primary" checked={showCount} onChange={(e) => setShowCount(e.target.checked)} data-testid="creator-show-count" />
            Show how many subscribers I have
          </label>
          <FormError>{save.isError ? errorMessage(save.error) : null}</FormError>
          <div className="flex items-center justify-end gap-3">
            {saved && (
              <span className="inline-flex items-center gap-1 text-sm text-emerald-700 dark:text-emerald-400" data-testid="creator-saved">
                Saved <Check className="size-4" aria-hidden />
              </span>
            )}
            <Button type="submit" disabled={save.isPending} data-testid="creator-save">
              {save.isPending ? "Saving…" : "Save"}
            </Button>
          </div>
        </form>
      </CardContent>
    </Card>
  );
}

function TierActions({ tier, onEdit }: { tier: Tier; onEdit(): void }) {
  const update = useUpdateTier();
  return (
    <div className="flex flex-col gap-1">
      <div className="flex gap-2">
        <Button size="sm" variant="outline" onClick={onEdit} data-testid="tier-edit">
          <Pencil className="size-3.5" aria-hidden /> Edit
        </Button>
        <Button
          size="sm"
          variant="ghost"
          disabled={update.isPending}
          onClick={() => update.mutate({ id: tier.id, body: { active: !tier.active } })}
          data-testid={tier.active ? "tier-deactivate" : "tier-activate"}
        >
          {tier.active ? "Deactivate" : "Activate"}
        </Button>
      </div>
      <FormError>{update.isError ? errorMessage(update.error) : null}</FormError>
    </div>
  );
}

/** All my tiers (inactive ones too), with create, edit and (de)activate. */
export function ManageTiers() {
  const tiers = useMyTiers();
  const [editing, setEditing] = useState<Tier | "new" | null>(null);
  return (
    <section className="flex flex-col gap-3" data-testid="manage-tiers">
      <div className="flex items-center justify-between">
        <h2 className="text-lg font-semibold">Your tiers</h2>
        <Button size="sm" onClick={() => setEditing("new")} data-testid="tier-new">
          <Plus className="size-4" aria-hidden /> New tier
        </Button>
      </div>
      {tiers.isPending ? (
        <Loading />
      ) : tiers.isError ? (
        <FormError>{errorMessage(tiers.error)}</FormError>
      ) : tiers.data.length === 0 ? (
        <p className="text-sm text-muted-foreground">No tiers yet: create one so fans can subscribe.</p>
      ) : (
        <div className="grid gap-3 sm:grid-cols-2">
          {tiers.data.map((t) => (
            <TierCard key={t.id} tier={t} action={<TierActions tier={t} onEdit={() => setEditing(t)} />} />
          ))}
        </div>
      )}
      <Dialog open={editing !== null} onClose={() => setEditing(null)} title={editing === "new" ? "New tier" : "Edit tier"} testId="tier-dialog">
        {editing !== null && <TierForm key={editing === "new" ? "new" : editing.id} tier={editing === "new" ? undefined : editing} onDone={() => setEditing(null)} />}
      </Dialog>
    </section>
  );
}
