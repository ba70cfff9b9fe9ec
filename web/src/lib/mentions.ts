// @mentions in the composer: where an `@query` is being typed, which members match it,
// and which mentions a finished message carries.
import type { Mentions } from "./api/types";
import type { MentionTarget } from "./markdown";

export const MAX_MENTIONS = 50;
const MAX_QUERY = 40;

export interface MentionCandidate {
  id: string;
  name: string;
}

const isWordChar = (c: string | undefined) => c !== undefined && /[\p{L}\p{N}_]/u.test(c);

/** The `@query` that ends at the caret: `start` is the index of `@`. Null when not in one. */
export function findMentionQuery(text: string, caret: number): { start: number; query: string } | null {
  const from = Math.max(0, caret - MAX_QUERY - 1);
  for (let i = caret - 1; i >= from; i--) {
    const c = text[i];
    if (c === "\n") return null;
    if (c === "@") {
      if (isWordChar(text[i - 1])) return null; // an e-mail address
      const query = text.slice(i + 1, caret);
      if (/^\s/.test(query) || /\s{2,}/.test(query)) return null;
      return { start: i, query };
    }
  }
  return null;
}

/** Members whose name (or one of its words) starts with the query, best first. */
export function matchMembers<T extends MentionCandidate>(members: T[], query: string, limit = 8): T[] {
  const q = query.toLowerCase();
  const scored: { m: T; score: number }[] = [];
  for (const m of members) {
    const name = m.name.toLowerCase();
    const score = name.startsWith(q) ? 0 : name.split(/\s+/).some((w) => w.startsWith(q)) ? 1 : name.includes(q) ? 2 : -1;
    if (score >= 0) scored.push({ m, score });
  }
  return scored
    .sort((a, b) => a.score - b.score || a.m.name.localeCompare(b.m.name))
    .slice(0, limit)
    .map((s) => s.m);
}

/** Whether `@name` appears in the text as a whole mention. */
export function hasMention(text: string, name: string): boolean {
  const lower = text.toLowerCase();
  const needle = `@${name.toLowerCase()}`;
  for (let i = lower.indexOf(needle); i >= 0; i = lower.indexOf(needle, i + 1)) {
    if (!isWordChar(text[i - 1]) && !isWordChar(text[i + needle.length])) return true;
  }
  return false;
}

/**
 * The mentions a message carries: members picked from the suggestions (by id) or typed out
 * in full, whose `@Name` is still in the text; @room only when allowed. Undefined when none.
 */
export function collectMentions(
  text: string,
  picked: Map<string, string>,
  members: MentionCandidate[],
  canMentionRoom: boolean,
): Mentions | undefined {
  const ids: string[] = [];
  const add = (id: string) => {
    if (!ids.includes(id) && ids.length < MAX_MENTIONS) ids.push(id);
  };
  for (const [id, name] of picked) if (hasMention(text, name)) add(id);
  // Longest names first, so that "@Ann Lee" does not also count as "@Ann".
  const byLength = [...members].sort((a, b) => b.name.length - a.name.length);
  let rest = text;
  for (const m of byLength) {
    if (!m.name || !hasMention(rest, m.name)) continue;
    add(m.id);
    rest = rest.split(new RegExp(`@${m.name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`, "gi")).join(" ");
  }
  const room = canMentionRoom && hasMention(text, "room");
  if (!ids.length && !room) return undefined;
  return room ? { user_ids: ids, room: true } : { user_ids: ids };
}

/** What to highlight in a message: its mentioned users whose names are known, and @room. */
export function mentionTargets(
  mentions: Mentions | null | undefined,
  nameOf: (id: string) => string | undefined,
  myId: string | undefined,
  authorId: string,
): MentionTarget[] {
  const out: MentionTarget[] = [];
  for (const id of mentions?.user_ids ?? []) {
    const name = nameOf(id);
    if (name) out.push({ name, userId: id, me: id === myId });
  }
  if (mentions?.room) out.push({ name: "room", userId: null, me: authorId !== myId });
  return out;
}

/** The message notifies me: I am mentioned, or the room is and I did not write it. */
export function mentionsMe(mentions: Mentions | null | undefined, myId: string | undefined, authorId: string): boolean {
  if (!mentions || !myId || authorId === myId) return false;
  return Boolean(mentions.user_ids?.includes(myId) || mentions.room);
}
