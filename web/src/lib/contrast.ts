// WCAG 2.1 contrast (relative luminance, 1.4.3): the text colour to put on a colour a user
// picked (avatar initials), which no palette can vouch for. Pure; unit tested.

/** #rgb or #rrggbb as [r, g, b] in 0–255, or null. */
export function parseHex(color: string): [number, number, number] | null {
  const m = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(color.trim());
  if (!m) return null;
  const h = m[1].length === 3 ? [...m[1]].map((c) => c + c).join("") : m[1];
  return [0, 2, 4].map((i) => parseInt(h.slice(i, i + 2), 16)) as [number, number, number];
}

/** Relative luminance of a colour, 0 (black) to 1 (white). */
export function luminance([r, g, b]: [number, number, number]): number {
  const f = (c: number) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
}

/** The contrast ratio of two colours, 1 to 21. */
export function contrastRatio(a: string, b: string): number {
  const x = parseHex(a);
  const y = parseHex(b);
  if (!x || !y) return 1;
  const [hi, lo] = [luminance(x), luminance(y)].sort((p, q) => q - p);
  return (hi + 0.05) / (lo + 0.05);
}

/**
 * White on `background` when that reads at 4.5:1 (AA for small text), else black: one of the
 * two always does (the worse case is 4.58:1).
 */
export function textColorOn(background: string): "#ffffff" | "#000000" {
  return contrastRatio("#ffffff", background) >= 4.5 ? "#ffffff" : "#000000";
}

const toHex = (rgb: number[]) => `#${rgb.map((c) => Math.round(c).toString(16).padStart(2, "0")).join("")}`;

/**
 * `color` as text on `background` at `ratio` or more: as it is when it already reads, else
 * mixed step by step toward black (on a light background) or white (on a dark one).
 * Used for a name shown in the colour its owner picked.
 */
export function readableOn(color: string, background: string, ratio = 4.5): string {
  const rgb = parseHex(color);
  const bg = parseHex(background);
  if (!rgb || !bg) return color;
  const target = luminance(bg) > 0.18 ? [0, 0, 0] : [255, 255, 255];
  for (let t = 0; t <= 1.0001; t += 0.05) {
    const mixed = toHex(rgb.map((c, i) => c + (target[i] - c) * Math.min(1, t)));
    if (contrastRatio(mixed, background) >= ratio) return mixed;
  }
  return toHex(target);
}
