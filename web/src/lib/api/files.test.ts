import { describe, expect, it } from "vitest";
import { API_URL } from "../env";
import { apiUrl, attachmentsOf, avatarFileId, logoFileId, notesQueryString } from "./files";
import type { Message, Room, User } from "./types";

describe("notesQueryString", () => {
  it("sends only what is set", () => {
    expect(notesQueryString({})).toBe("");
    expect(notesQueryString({ q: "linear algebra", mine: true, limit: 20 })).toBe("?q=linear+algebra&mine=true&limit=20");
    expect(notesQueryString({ room_id: "r1", cursor: "abc=", mine: false })).toBe("?room_id=r1&cursor=abc%3D");
  });
});

describe("apiUrl", () => {
  it("puts API paths under the API base and leaves absolute URLs alone", () => {
    expect(apiUrl("/v1/files/x/thumbnail")).toBe(`${API_URL}/v1/files/x/thumbnail`);
    expect(apiUrl("v1/notes")).toBe(`${API_URL}/v1/notes`);
    expect(apiUrl("https://s3.example/b/k?sig=1")).toBe("https://s3.example/b/k?sig=1");
  });
});

describe("fields of the coming schema", () => {
  const msg = (extra: object) => ({ id: "m", body: "", deleted: false, ...extra }) as unknown as Message;

  it("reads attachments, none on a deleted message or an older payload", () => {
    const a = [{ id: "f", name: "a.pdf", content_type: "application/pdf", size: 3 }];
    expect(attachmentsOf(msg({ attachments: a }))).toEqual(a);
    expect(attachmentsOf(msg({ attachments: a, deleted: true }))).toEqual([]);
    expect(attachmentsOf(msg({}))).toEqual([]);
    expect(attachmentsOf(undefined)).toEqual([]);
  });

  it("reads avatar and logo ids", () => {
    expect(avatarFileId({ avatar_file_id: "f1" } as unknown as User)).toBe("f1");
    expect(avatarFileId({ avatar_file_id: null } as unknown as User)).toBeNull();
    expect(avatarFileId({} as User)).toBeNull();
    expect(logoFileId({ logo_file_id: "f2" } as unknown as Room)).toBe("f2");
    expect(logoFileId(undefined)).toBeNull();
  });
});
