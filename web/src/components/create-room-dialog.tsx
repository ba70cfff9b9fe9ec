"use client";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { useMyTiers } from "@/hooks/queries/creators";
import { useCreateRoom } from "@/hooks/queries/rooms";
import { errorMessage } from "@/lib/api/client";
import { formatMoney } from "@/lib/money";
import { selectClass } from "./payments/money-field";
import { Button } from "./ui/button";
import { Dialog } from "./ui/dialog";
import { Input, Label, Textarea } from "./ui/input";

export function CreateRoomButton({ variant = "default" }: { variant?: "default" | "outline" }) {
  const [open, setOpen] = useState(false);
  const [name, setName] = useState("");
  const [description, setDescription] = useState("");
  const [kind, setKind] = useState<"public" | "private">("public");
  const [tierId, setTierId] = useState("");
  const create = useCreateRoom();
  // A creator may open the room to one tier's subscribers from its first moment.
  const tiers = useMyTiers(open);
  const activeTiers = (tiers.data ?? []).filter((t) => t.active);
  const router = useRouter();

  function onSubmit(e: FormEvent) {
    e.preventDefault();
    if (!name.trim()) return;
    create.mutate(
      {
        name: name.trim(),
        kind,
        ...(description.trim() ? { description: description.trim() } : {}),
        ...(tierId ? { required_tier_id: tierId } : {}),
      },
      {
        onSuccess: (room) => {
          setOpen(false);
          setName("");
          setDescription("");
          setTierId("");
          router.push(`/rooms/${room.id}`);
        },
      },
    );
  }

  return (
    <>
      <Button variant={variant} onClick={() => setOpen(true)} data-testid="create-room-open">
        + New room
      </Button>
      <Dialog open={open} onClose={() => setOpen(false)} title="Create a room" testId="create-room-dialog">
        <form onSubmit={onSubmit} className="flex flex-col gap-4">
          <div className="flex flex-col gap-1.5">
            <Label htmlFor="room-name">Name</Label>
            <Input
              id="room-name"
              data-testid="create-room-name"
              value={name}
              onChange={(e) => setName(e.target.value)}
              placeholder="general"
              maxLength={80}
              required
              autoFocus
            />
          </div>
          <div className="flex flex-col gap-1.5">
            <Label htmlFor="room-description">Description</Label>
            <Textarea
              id="room-description"
              data-testid="create-room-description"
              value={description}
              onChange={(e) => setDescription(e.target.value)}
              rows={2}
              placeholder="What is this room about?"
            />
          </div>
          <fieldset className="flex gap-4 text-sm">
            <legend className="mb-1.5 text-sm font-medium">Visibility</legend>
            {(["public", "private"] as const).map((k) => (
              <label key={k} className="flex items-center gap-2">
                <input
                  type="radio"
                  name="kind"
                  value={k}
                  checked={kind === k}
                  onChange={() => setKind(k)}
                  data-testid={`create-room-kind-${k}`}
                />
                {k === "public" ? "Public — anyone can join" : "Private — invite only"}
              </label>
            ))}
          </fieldset>
          {activeTiers.length > 0 && (
            <div className="flex flex-col gap-1.5">
              <Label htmlFor="room-tier">Who may join</Label>
              <select id="room-tier" className={selectClass} value={tierId} onChange={(e) => setTierId(e.target.value)} data-testid="create-room-tier">
                <option value="">Everyone</option>
                {activeTiers.map((t) => (
                  <option key={t.id} value={t.id}>
                    Subscribers of {t.name} ({formatMoney(t.amount, t.currency)}/month)
                  </option>
                ))}
              </select>
            </div>
          )}
          {create.isError && (
            <p role="alert" className="text-sm text-red-700 dark:text-red-400">
              {errorMessage(create.error)}
            </p>
          )}
          <div className="flex justify-end gap-2">
            <Button variant="ghost" onClick={() => setOpen(false)}>
              Cancel
            </Button>
            <Button type="submit" disabled={create.isPending || !name.trim()} data-testid="create-room-submit">
              {create.isPending ? "Creating…" : "Create room"}
            </Button>
          </div>
        </form>
      </Dialog>
    </>
  );
}
