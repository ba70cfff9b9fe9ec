import { describe, expect, it } from "vitest";
import { publicProfile } from "./profiles";
import type { Me } from "./types";

describe("publicProfile", () => {
  it("keeps only the public fields of my own profile", () => {
    const me: Me = {
      id: "u1",
      clerk_id: "user_1",
      email: "a@example.com",
      first_name: "Ada",
      last_name: "Lovelace",
      display_name: "Ada",
      image_url: null,
      avatar_file_id: "f1",
      bio: "hi",
      color: "#112233",
      kind: "user",
      profile_complete: true,
      role: "admin",
      deleted: false,
      created_at: "2026-01-01T00:00:00Z",
      updated_at: "2026-01-01T00:00:00Z",
    };
    expect(publicProfile(me)).toEqual({
      id: "u1",
      display_name: "Ada",
      image_url: null,
      avatar_file_id: "f1",
      bio: "hi",
      color: "#112233",
      kind: "user",
      deleted: false,
    });
  });
});
