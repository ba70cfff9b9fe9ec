// People: the caller's private profile and what anyone sees of a person.
import type { Me, PublicProfile } from "./types";

/**
 * The public part of my own profile, for caches that hold other people's public profiles
 * (`["users", id]`): private fields (e-mail, legal names, role…) never land there.
 */
export function publicProfile(me: Me): PublicProfile {
  const { id, display_name, image_url, avatar_file_id, bio, color, kind, deleted } = me;
  return { id, display_name, image_url, avatar_file_id, bio, color, kind, deleted };
}
