"use client";
import { useState } from "react";
import { textColorOn } from "@/lib/contrast";
import { cn } from "@/lib/utils";

// Dark enough for white initials (4.5:1 or more, WCAG AA); a colour a user picked gets
// white or black initials, whichever reads (see textColorOn).
export const AVATAR_PALETTE = ["#4f46e5", "#be185d", "#b45309", "#047857", "#0369a1", "#7c3aed", "#dc2626", "#0f766e"];

function colorFor(seed: string) {
  let h = 0;
  for (const c of seed) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return AVATAR_PALETTE[h % AVATAR_PALETTE.length];
}

function initials(name: string) {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  if (parts.length === 0) return "?";
  return (parts[0][0] + (parts.length > 1 ? parts[parts.length - 1][0] : "")).toUpperCase();
}

const sizes = { xs: "h-5 w-5 text-[9px]", sm: "h-8 w-8 text-xs", md: "h-10 w-10 text-sm", lg: "h-20 w-20 text-2xl" };

export function Avatar({
  name,
  src,
  color,
  size = "sm",
  online,
  className,
}: {
  name: string;
  src?: string | null;
  color?: string | null;
  size?: keyof typeof sizes;
  online?: boolean;
  className?: string;
}) {
  const [broken, setBroken] = useState(false);
  const bg = color || colorFor(name);
  return (
    <span className={cn("relative inline-flex shrink-0", className)}>
      {src && !broken ? (
        // eslint-disable-next-line @next/next/no-img-element
        <img
          src={src}
          alt=""
          data-testid="avatar-image"
          onError={() => setBroken(true)}
          className={cn("rounded-full object-cover", sizes[size])}
        />
      ) : (
        <span
          aria-hidden
          className={cn("inline-flex items-center justify-center rounded-full font-semibold", sizes[size])}
          style={{ backgroundColor: bg, color: textColorOn(bg) }}
        >
          {initials(name)}
        </span>
      )}
      {online !== undefined && (
        <span
          className={cn(
            "absolute -bottom-0.5 -right-0.5 h-3 w-3 rounded-full border-2 border-background",
            online ? "bg-emerald-500" : "bg-zinc-400",
          )}
          role="img"
          aria-label={online ? "online" : "offline"}
        />
      )}
    </span>
  );
}
