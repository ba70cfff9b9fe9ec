// A small, safe Markdown subset for message bodies, parsed into a tree that the renderer
// turns into React elements (never HTML strings): **bold**, *italic* / _italic_, `code`,
// ``` fenced code blocks ```, [links](https://…) and bare http(s)/mailto URLs, and @mentions
// of given names. Anything else, raw HTML included, stays text. Unbalanced markers stay as
// they were typed.

export type MdNode =
  | { type: "text"; text: string }
  | { type: "strong"; children: MdNode[] }
  | { type: "em"; children: MdNode[] }
  | { type: "code"; text: string }
  | { type: "codeblock"; lang: string | null; text: string }
  | { type: "link"; href: string; children: MdNode[] }
  | { type: "mention"; text: string; userId: string | null; me: boolean };

/** A name to highlight after `@`: a mentioned user (userId), or `room` for @room (userId null). */
export interface MentionTarget {
  name: string;
  userId: string | null;
  me: boolean;
}

export interface ParseOptions {
  mentions?: MentionTarget[];
}

const MAX_DEPTH = 8;
const ESCAPABLE = "\\`*_[]()#+-.!@<>~|";
const FENCE_OPEN = /^ {0,3}```\s*([\w+#.-]*)\s*$/;
const FENCE_CLOSE = /^ {0,3}```\s*$/;

/** Only http(s) with a host, and mailto; nothing with control characters or spaces. */
export function safeHref(raw: string): string | null {
  const url = raw.trim();
  if (!url || /[\u0000-\u0020\u007f]/.test(url)) return null;
  if (/^https?:\/\/[^/?#\\]/i.test(url)) return url;
  if (/^mailto:[^/]/i.test(url)) return url;
  return null;
}

export function parseMarkdown(src: string, opts: ParseOptions = {}): MdNode[] {
  const targets = [...(opts.mentions ?? [])].filter((t) => t.name).sort((a, b) => b.name.length - a.name.length);
  const out: MdNode[] = [];
  const lines = src.replace(/\r\n?/g, "\n").split("\n");
  let text: string[] = [];
  const flushText = () => {
    if (text.length) out.push(...parseInline(text.join("\n"), 0, targets));
    text = [];
  };
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE_OPEN.exec(lines[i]);
    if (open) {
      let close = -1;
      for (let j = i + 1; j < lines.length; j++)
        if (FENCE_CLOSE.test(lines[j])) {
          close = j;
          break;
        }
      if (close > 0) {
        flushText();
        out.push({ type: "codeblock", lang: open[1] || null, text: lines.slice(i + 1, close).join("\n") });
        i = close;
        continue;
      }
    }
    text.push(lines[i]);
  }
  flushText();
  return out;
}

const isWordChar = (c: string | undefined) => c !== undefined && /[\p{L}\p{N}_]/u.test(c);
const isSpace = (c: string | undefined) => c === undefined || /\s/.test(c);

function runLength(s: string, i: number, ch: string): number {
  let n = 0;
  while (s[i + n] === ch) n++;
  return n;
}

/** Index of a backtick run of exactly `len` at or after `from`, or -1. */
function findBacktickClose(s: string, from: number, len: number): number {
  let i = from;
  while (i < s.length) {
    if (s[i] === "`") {
      const n = runLength(s, i, "`");
      if (n === len) return i;
      i += n;
    } else i++;
  }
  return -1;
}

function pushText(out: MdNode[], text: string, targets: MentionTarget[]) {
  const push = (t: string) => {
    if (!t) return;
    const last = out[out.length - 1];
    if (last?.type === "text") out[out.length - 1] = { type: "text", text: last.text + t };
    else out.push({ type: "text", text: t });
  };
  if (!targets.length || !text.includes("@")) return push(text);
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] !== "@" || isWordChar(text[i - 1])) continue;
    const after = text.slice(i + 1);
    const hit = targets.find(
      (t) => after.slice(0, t.name.length).toLowerCase() === t.name.toLowerCase() && !isWordChar(after[t.name.length]),
    );
    if (!hit) continue;
    push(text.slice(start, i));
    out.push({ type: "mention", text: text.slice(i, i + 1 + hit.name.length), userId: hit.userId, me: hit.me });
    i += hit.name.length;
    start = i + 1;
  }
  push(text.slice(start));
}

/** The closing delimiter run for emphasis opened with `len` × `ch` whose content starts at `from`. */
function findEmphasisClose(s: string, from: number, ch: string, len: number): number {
  let i = from + 1; // content is never empty
  while (i < s.length) {
    const c = s[i];
    if (c === "`") {
      const n = runLength(s, i, "`");
      const close = findBacktickClose(s, i + n, n);
      i = close >= 0 ? close + n : i + n;
      continue;
    }
    if (c === "\\") {
      i += 2;
      continue;
    }
    if (c === ch) {
      const n = runLength(s, i, ch);
      const end = i + n;
      // A run of exactly two is a strong delimiter: it never closes a single one.
      const fits = len === 2 ? n >= 2 : n !== 2;
      if (fits && !isSpace(s[i - 1]) && (ch !== "_" || !isWordChar(s[end]))) return end - len;
      i = end;
      continue;
    }
    i++;
  }
  return -1;
}

const LINK = /\[([^\]\n]{1,500})\]\(([^()\s]{1,2000})\)/y;
const AUTOLINK = /(?:https?:\/\/|mailto:)[^\s<>]+/iy;

function trimUrl(url: string): string {
  let u = url;
  for (;;) {
    const last = u[u.length - 1];
    if (".,;:!?'\"*_".includes(last)) u = u.slice(0, -1);
    else if (last === ")" && (u.match(/\(/g)?.length ?? 0) < (u.match(/\)/g)?.length ?? 0)) u = u.slice(0, -1);
    else return u;
  }
}

/** `inLink`: inside a link's text, where no link may nest. */
function parseInline(s: string, depth: number, targets: MentionTarget[], inLink = false): MdNode[] {
  const out: MdNode[] = [];
  if (depth > MAX_DEPTH) {
    pushText(out, s, targets);
    return out;
  }
  let buf = "";
  const flush = () => {
    pushText(out, buf, targets);
    buf = "";
  };
  let i = 0;
  while (i < s.length) {
    const c = s[i];
    if (c === "\\" && i + 1 < s.length && ESCAPABLE.includes(s[i + 1])) {
      buf += s[i + 1];
      i += 2;
      continue;
    }
    if (c === "`") {
      const n = runLength(s, i, "`");
      const close = findBacktickClose(s, i + n, n);
      if (close >= 0) {
        flush();
        let code = s.slice(i + n, close);
        if (code.length > 2 && code.startsWith(" ") && code.endsWith(" ") && code.trim()) code = code.slice(1, -1);
        out.push({ type: "code", text: code });
        i = close + n;
      } else {
        buf += s.slice(i, i + n);
        i += n;
      }
      continue;
    }
    if (c === "[" && !inLink) {
      LINK.lastIndex = i;
      const m = LINK.exec(s);
      if (m) {
        const href = safeHref(m[2]);
        if (href) {
          flush();
          out.push({ type: "link", href, children: parseInline(m[1], depth + 1, targets, true) });
        } else buf += m[0]; // a refused scheme stays visible, as typed
        i += m[0].length;
        continue;
      }
    }
    if (!inLink && (c === "h" || c === "H" || c === "m" || c === "M") && !isWordChar(s[i - 1])) {
      AUTOLINK.lastIndex = i;
      const m = AUTOLINK.exec(s);
      const url = m ? trimUrl(m[0]) : "";
      const href = url ? safeHref(url) : null;
      if (href && url.length > url.indexOf(":") + 3) {
        flush();
        out.push({ type: "link", href, children: [{ type: "text", text: url }] });
        i += url.length;
        continue;
      }
    }
    if (c === "*" || c === "_") {
      const n = runLength(s, i, c);
      const opens = !isSpace(s[i + n]) && (c !== "_" || !isWordChar(s[i - 1]));
      if (opens) {
        const len = n >= 2 ? 2 : 1;
        const close = findEmphasisClose(s, i + len, c, len);
        if (close >= 0) {
          flush();
          const children = parseInline(s.slice(i + len, close), depth + 1, targets, inLink);
          out.push(len === 2 ? { type: "strong", children } : { type: "em", children });
          i = close + len;
          continue;
        }
      }
      // Not an opener here: a single marker is text; the rest of the run is tried again.
      buf += c;
      i += c === "_" && !opens ? n : 1;
      if (c === "_" && !opens) buf += c.repeat(n - 1);
      continue;
    }
    buf += c;
    i++;
  }
  flush();
  return out;
}

/** The text of a tree, markers dropped (previews, tests). */
export function plainText(nodes: MdNode[]): string {
  return nodes
    .map((n) => ("children" in n ? plainText(n.children) : n.text))
    .join("");
}
