"use client";
import { Monitor, Moon, Sun, type LucideIcon } from "lucide-react";
import { useTheme, type ThemePref } from "@/lib/theme";
import { Button } from "./ui/button";

const next: Record<ThemePref, ThemePref> = { system: "light", light: "dark", dark: "system" };
const icon: Record<ThemePref, LucideIcon> = { system: Monitor, light: Sun, dark: Moon };

export function ThemeToggle() {
  const { pref, setPref } = useTheme();
  const Icon = icon[pref];
  return (
    <Button
      variant="ghost"
      size="icon"
      data-testid="theme-toggle"
      onClick={() => setPref(next[pref])}
      aria-label={`Theme: ${pref}. Switch to ${next[pref]}`}
      title={`Theme: ${pref}`}
    >
      <Icon className="size-4" aria-hidden />
    </Button>
  );
}
