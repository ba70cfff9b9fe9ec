"use client";
import { useTheme, type ThemePref } from "@/lib/theme";
import { Button } from "./ui/button";

const next: Record<ThemePref, ThemePref> = { system: "light", light: "dark", dark: "system" };
const icon: Record<ThemePref, string> = { system: "🖥️", light: "☀️", dark: "🌙" };

export function ThemeToggle() {
  const { pref, setPref } = useTheme();
  return (
    <Button
      variant="ghost"
      size="icon"
      data-testid="theme-toggle"
      onClick={() => setPref(next[pref])}
      aria-label={`Theme: ${pref}. Switch to ${next[pref]}`}
      title={`Theme: ${pref}`}
    >
      <span aria-hidden>{icon[pref]}</span>
    </Button>
  );
}
