import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { API_URL } from "../env";
import type { Attachment, Message, PublicProfile, Room } from "./types";

// The typed client keeps the fetch it finds when it is created, so a stub fetch is put in
// place before the modules are loaded (fresh for each test).
let fetchMock: ReturnType<typeof vi.fn<(req: Request) => Promise<Response>>>;
let files: typeof import("./files");
let client: typeof import("./client");

beforeEach(async () => {
  fetchMock = vi.fn<(req: Request) => Promise<Response>>();
  vi.stubGlobal("fetch", fetchMock);
  vi.resetModules();
  client = await import("./client");
  files = await import("./files");
});

afterEach(() => {
  vi.unstubAllGlobals();
});

const json = (status: number, body: unknown, type = "application/json") =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": type } });

describe("notesQuery", () => {
  it("leaves out what is not set", () => {
    expect(files.notesQuery({})).toEqual({});
    expect(files.notesQuery({ q: "", room_id: "r1", cursor: null, mine: false, limit: 20 })).toEqual({ room_id: "r1", limit: 20 });
  });
});

describe("apiUrl", () => {
  it("puts API paths under the API base and leaves absolute URLs alone", () => {
    expect(files.apiUrl("/v1/files/x/thumbnail")).toBe(`${API_URL}/v1/files/x/thumbnail`);
    expect(files.apiUrl("v1/notes")).toBe(`${API_URL}/v1/notes`);
    expect(files.apiUrl("https://s3.example/b/k?sig=1")).toBe("https://s3.example/b/k?sig=1");
  });
});

describe("fields of messages, users and rooms", () => {
  const a: Attachment[] = [{ id: "f", name: "a.pdf", content_type: "application/pdf", size: 3 }];
  const msg = (extra: Partial<Message>) => ({ id: "m", body: "", deleted: false, ...extra }) as Message;

  it("reads attachments, none on a deleted message or a message without", () => {
    expect(files.attachmentsOf(msg({ attachments: a }))).toEqual(a);
    expect(files.attachmentsOf(msg({ attachments: a, deleted: true }))).toEqual([]);
    expect(files.attachmentsOf(msg({}))).toEqual([]);
    expect(files.attachmentsOf(undefined)).toEqual([]);
  });

  it("reads avatar and logo ids", () => {
    expect(files.avatarFileId({ avatar_file_id: "f1" } as PublicProfile)).toBe("f1");
    expect(files.avatarFileId({ avatar_file_id: null } as PublicProfile)).toBeNull();
    expect(files.avatarFileId({} as PublicProfile)).toBeNull();
    expect(files.logoFileId({ logo_file_id: "f2" } as Room)).toBe("f2");
    expect(files.logoFileId(undefined)).toBeNull();
  });
});

describe("JSON calls through the typed client", () => {
  it("lists notes with the bearer token and only the query that is set", async () => {
    client.setTokenProvider(async () => "t1");
    fetchMock.mockResolvedValueOnce(json(200, { items: [], next_cursor: null }));
    await expect(files.listNotes({ q: "linear algebra", mine: true, cursor: null, limit: 20 })).resolves.toEqual({
      items: [],
      next_cursor: null,
    });
    const req = fetchMock.mock.calls[0][0];
    expect(req.method).toBe("GET");
    expect(req.url).toBe(`${API_URL}/v1/notes?q=linear%20algebra&mine=true&limit=20`);
    expect(req.headers.get("Authorization")).toBe("Bearer t1");
  });

  it("retries once with a fresh token after a 401", async () => {
    client.setTokenProvider(async () => "old", async () => "new");
    fetchMock.mockResolvedValueOnce(json(401, { title: "Unauthorized" }, "application/problem+json"));
    fetchMock.mockResolvedValueOnce(json(200, { id: "u1", avatar_file_id: "f1" }));
    await expect(files.setAvatar("f1")).resolves.toMatchObject({ id: "u1", avatar_file_id: "f1" });
    expect(fetchMock).toHaveBeenCalledTimes(2);
    const retry = fetchMock.mock.calls[1][0];
    expect(retry.method).toBe("PATCH");
    expect(retry.url).toBe(`${API_URL}/v1/me`);
    expect(retry.headers.get("Authorization")).toBe("Bearer new");
    expect(await retry.json()).toEqual({ avatar_file_id: "f1" });
  });

  it("turns problem+json into an ApiError", async () => {
    fetchMock.mockResolvedValueOnce(
      json(409, { code: "file_in_use", title: "Conflict", detail: "the file is in use" }, "application/problem+json"),
    );
    const err = await files.deleteFile("f1").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(client.ApiError);
    expect(err).toMatchObject({ status: 409, code: "file_in_use", title: "Conflict", detail: "the file is in use" });
    expect(client.errorMessage(err)).toMatch(/still used/);
    expect(fetchMock.mock.calls[0][0].url).toBe(`${API_URL}/v1/files/f1`);
  });

  it("answers a 204 with undefined, and a network failure with a status-0 ApiError", async () => {
    fetchMock.mockResolvedValueOnce(new Response(null, { status: 204 }));
    await expect(files.deleteNote("n1")).resolves.toBeUndefined();
    fetchMock.mockRejectedValueOnce(new TypeError("fetch failed"));
    await expect(files.setRoomLogo("r1", null)).rejects.toMatchObject({ status: 0, code: "network_error" });
  });
});
