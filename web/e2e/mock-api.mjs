// In-memory stand-in for the Parley API, for running the e2e test before the real API
// exists (E2E_MOCK_API=1). It follows the contract the web app was written against; the
// real API and openapi/openapi.json are the authority where they differ.
import http from "node:http";
import { randomUUID } from "node:crypto";
import { WebSocketServer } from "ws";

const PORT = Number(process.env.PORT || 8099);
const now = () => new Date().toISOString();
const users = new Map(); // id -> user
const byClerk = new Map(); // clerk_id -> id
const rooms = new Map(); // id -> room (without my_role)
const members = new Map(); // roomId -> Map(userId -> {role, joined_at, last_read_seq})
const messages = new Map(); // roomId -> Message[]
const events = new Map(); // roomId -> [{room_id, seq, kind, data, created_at}]
const clientIds = new Map(); // roomId:userId:client_msg_id -> message id
const reactions = new Map(); // messageId -> Map(emoji -> Set(userId))
const tickets = new Map(); // ticket -> userId
const sockets = new Set(); // {ws, userId, rooms:Set}

const b64 = (o) => Buffer.from(JSON.stringify(o)).toString("base64url");
function problem(res, status, code, detail) {
  res.writeHead(status, { "content-type": "application/problem+json" });
  res.end(JSON.stringify({ type: "about:blank", title: http.STATUS_CODES[status], status, detail, code }));
}
function json(res, status, body) {
  if (status === 204) {
    res.writeHead(204);
    return res.end();
  }
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}
function authUser(req) {
  const h = req.headers.authorization || "";
  const tok = h.startsWith("Bearer ") ? h.slice(7) : "";
  try {
    const p = JSON.parse(Buffer.from(tok.split(".")[1], "base64url").toString());
    if (p.exp * 1000 < Date.now()) return null;
    return users.get(byClerk.get(p.sub)) ?? null;
  } catch {
    return null;
  }
}
const roomView = (room, uid) => ({ ...room, member_count: members.get(room.id).size, my_role: members.get(room.id).get(uid)?.role ?? null });
function msgView(m, uid) {
  const r = reactions.get(m.id) ?? new Map();
  const counts = {};
  const mine = [];
  for (const [e, set] of r) if (set.size) {
    counts[e] = set.size;
    if (set.has(uid)) mine.push(e);
  }
  // Like the real API, event payloads (uid null) carry no my_reactions.
  return { ...m, body: m.deleted ? "" : m.body, reactions: counts, my_reactions: uid === null ? null : mine };
}
function emit(roomId, kind, data) {
  const room = rooms.get(roomId);
  room.last_seq += 1;
  room.updated_at = now();
  const ev = { room_id: roomId, seq: room.last_seq, kind, data, created_at: now() };
  events.get(roomId).push(ev);
  for (const s of sockets) if (s.rooms.has(roomId)) s.send({ type: "event", room_id: roomId, seq: ev.seq, event: kind, data });
  return ev;
}
function presence(roomId) {
  const online = [...new Set([...sockets].filter((s) => s.rooms.has(roomId)).map((s) => s.userId))];
  for (const s of sockets) if (s.rooms.has(roomId)) s.send({ type: "presence", room_id: roomId, online });
}
function newRoom(u, { name, description = null, kind, max_members = null }) {
  const room = { id: randomUUID(), name, description, kind, max_members, created_by: u.id, last_seq: 0, created_at: now(), updated_at: now() };
  rooms.set(room.id, room);
  members.set(room.id, new Map([[u.id, { role: "owner", joined_at: now(), last_read_seq: 0 }]]));
  messages.set(room.id, []);
  events.set(room.id, []);
  return room;
}
function addMember(roomId, uid, role = "member") {
  const ms = members.get(roomId);
  if (ms.has(uid)) return;
  ms.set(uid, { role, joined_at: now(), last_read_seq: 0 });
  emit(roomId, "member.joined", { user_id: uid, role });
}
async function readBody(req) {
  let s = "";
  for await (const c of req) s += c;
  return s ? JSON.parse(s) : {};
}

const server = http.createServer(async (req, res) => {
  res.setHeader("access-control-allow-origin", req.headers.origin || "*");
  res.setHeader("access-control-allow-headers", "authorization, content-type");
  res.setHeader("access-control-allow-methods", "GET, POST, PUT, PATCH, DELETE, OPTIONS");
  if (req.method === "OPTIONS") return json(res, 204);
  const url = new URL(req.url, "http://x");
  const p = url.pathname.split("/").filter(Boolean).map(decodeURIComponent); // ["v1", ...]
  // Ids sit at even positions after a resource name: /v1/rooms/:id/members/:user_id
  const hasIds = ["users", "rooms", "messages"].includes(p[1]);
  const route = `${req.method} /${p.map((x, i) => (hasIds && i >= 2 && i % 2 === 0 ? ":" : x)).join("/")}`;
  try {
    const body = ["POST", "PUT", "PATCH"].includes(req.method) ? await readBody(req) : {};
    if (route === "POST /v1/dev/token") {
      let id = byClerk.get(body.user_id);
      if (!id) {
        id = randomUUID();
        byClerk.set(body.user_id, id);
        users.set(id, { id, clerk_id: body.user_id, email: body.email ?? null, first_name: null, last_name: null, display_name: body.name || body.user_id, image_url: null, bio: null, color: null, profile_complete: Boolean(body.name), role: "user", deleted: false, created_at: now(), updated_at: now() });
      }
      return json(res, 200, { token: `${b64({ alg: "none" })}.${b64({ sub: body.user_id, exp: Math.floor(Date.now() / 1000) + 3600 })}.x` });
    }
    const u = authUser(req);
    if (!u) return problem(res, 401, "unauthenticated", "authentication required");
    const room = p[2] && p[1] === "rooms" ? rooms.get(p[2]) : undefined;
    const member = room ? members.get(room.id).get(u.id) : undefined;
    switch (route) {
      case "GET /v1/me":
        return json(res, 200, u);
      case "PATCH /v1/me": {
        const allowed = ["display_name", "bio", "color", "image_url"];
        if (Object.keys(body).some((k) => !allowed.includes(k))) return problem(res, 422, "invalid", "unknown field");
        Object.assign(u, body, { updated_at: now(), profile_complete: true });
        return json(res, 200, u);
      }
      case "GET /v1/users": {
        const q = (url.searchParams.get("q") || "").toLowerCase();
        return json(res, 200, { items: [...users.values()].filter((x) => x.display_name.toLowerCase().includes(q)), next_cursor: null });
      }
      case "GET /v1/users/:":
        return users.has(p[2]) ? json(res, 200, users.get(p[2])) : problem(res, 404, "not_found", "user not found");
      case "GET /v1/rooms": {
        const q = (url.searchParams.get("q") || "").toLowerCase();
        const items = [...rooms.values()].filter((r) => (r.kind === "public" || members.get(r.id).has(u.id)) && r.name.toLowerCase().includes(q));
        return json(res, 200, { items: items.map((r) => roomView(r, u.id)), next_cursor: null });
      }
      case "POST /v1/rooms":
        return json(res, 201, roomView(newRoom(u, body), u.id));
      case "GET /v1/conversations": {
        const mine = [...rooms.values()].filter((r) => members.get(r.id).has(u.id));
        const items = mine.map((r) => {
          const ms = messages.get(r.id).filter((m) => !m.deleted);
          const last = ms[ms.length - 1] ?? null;
          const read = members.get(r.id).get(u.id).last_read_seq;
          return { room: roomView(r, u.id), last_message: last && msgView(last, u.id), unread_count: ms.filter((m) => m.seq > read && m.author_id !== u.id).length };
        });
        items.sort((x, y) => (y.last_message?.created_at ?? y.room.updated_at).localeCompare(x.last_message?.created_at ?? x.room.updated_at));
        return json(res, 200, { items });
      }
      case "POST /v1/dms": {
        const other = users.get(body.user_id);
        if (!other) return problem(res, 404, "not_found", "user not found");
        const existing = [...rooms.values()].find((r) => r.kind === "direct" && members.get(r.id).has(u.id) && members.get(r.id).has(other.id));
        if (existing) return json(res, 200, roomView(existing, u.id));
        const r = newRoom(u, { name: `${u.display_name} & ${other.display_name}`, kind: "direct" });
        members.get(r.id).set(u.id, { role: "member", joined_at: now(), last_read_seq: 0 });
        members.get(r.id).set(other.id, { role: "member", joined_at: now(), last_read_seq: 0 });
        return json(res, 200, roomView(r, u.id));
      }
      case "POST /v1/ws/tickets": {
        const ticket = randomUUID();
        tickets.set(ticket, u.id);
        return json(res, 200, { ticket, expires_at: new Date(Date.now() + 30000).toISOString() });
      }
    }
    if (p[1] === "rooms") {
      if (!room || (room.kind !== "public" && !member)) return problem(res, 404, "not_found", "room not found");
      switch (route) {
        case "GET /v1/rooms/:":
          return json(res, 200, roomView(room, u.id));
        case "POST /v1/rooms/:/join":
          addMember(room.id, u.id);
          return json(res, 200, roomView(room, u.id));
        case "POST /v1/rooms/:/leave":
          members.get(room.id).delete(u.id);
          emit(room.id, "member.left", { user_id: u.id });
          return json(res, 204);
      }
      if (!member) return problem(res, 403, "forbidden", "not a member");
      switch (route) {
        case "GET /v1/rooms/:/members":
          return json(res, 200, { items: [...members.get(room.id)].map(([id, m]) => ({ user: users.get(id), ...m })) });
        case "POST /v1/rooms/:/members":
          addMember(room.id, body.user_id, body.role);
          return json(res, 201, { user: users.get(body.user_id), ...members.get(room.id).get(body.user_id) });
        case "DELETE /v1/rooms/:/members/:":
          members.get(room.id).delete(p[4]);
          emit(room.id, "member.left", { user_id: p[4] });
          return json(res, 204);
        case "GET /v1/rooms/:/messages": {
          const before = url.searchParams.get("before");
          const after = url.searchParams.get("after");
          const limit = Math.min(100, Number(url.searchParams.get("limit") || 50));
          let ms = messages.get(room.id);
          if (after) ms = ms.filter((m) => m.seq > Number(after)).slice(0, limit);
          else ms = ms.filter((m) => !before || m.seq < Number(before)).slice(-limit).reverse();
          return json(res, 200, { items: ms.map((m) => msgView(m, u.id)) });
        }
        case "POST /v1/rooms/:/messages": {
          const key = `${room.id}:${u.id}:${body.client_msg_id}`;
          if (clientIds.has(key)) return json(res, 200, msgView(messages.get(room.id).find((m) => m.id === clientIds.get(key)), u.id));
          const m = { id: randomUUID(), room_id: room.id, seq: room.last_seq + 1, author_id: u.id, client_msg_id: body.client_msg_id, body: body.body, reply_to: body.reply_to ?? null, created_at: now(), edited_at: null, deleted: false };
          messages.get(room.id).push(m);
          clientIds.set(key, m.id);
          emit(room.id, "message.created", msgView(m, null));
          return json(res, 201, msgView(m, u.id));
        }
        case "POST /v1/rooms/:/read":
          member.last_read_seq = Math.max(member.last_read_seq, body.seq);
          for (const s of sockets) if (s.rooms.has(room.id)) s.send({ type: "read", room_id: room.id, user_id: u.id, seq: member.last_read_seq });
          return json(res, 204);
        case "GET /v1/rooms/:/events": {
          const after = Number(url.searchParams.get("after") || 0);
          const limit = Math.min(100, Number(url.searchParams.get("limit") || 100));
          return json(res, 200, { items: events.get(room.id).filter((e) => e.seq > after).slice(0, limit) });
        }
      }
    }
    if (p[1] === "messages") {
      const m = [...messages.values()].flat().find((x) => x.id === p[2]);
      if (!m || !members.get(m.room_id).has(u.id)) return problem(res, 404, "not_found", "message not found");
      switch (route) {
        case "PATCH /v1/messages/:":
          if (m.author_id !== u.id) return problem(res, 403, "forbidden", "not yours");
          Object.assign(m, { body: body.body, edited_at: now() });
          emit(m.room_id, "message.updated", msgView(m, null));
          return json(res, 200, msgView(m, u.id));
        case "DELETE /v1/messages/:":
          m.deleted = true;
          emit(m.room_id, "message.deleted", { id: m.id, room_id: m.room_id });
          return json(res, 204);
        case "PUT /v1/messages/:/reactions/:":
        case "DELETE /v1/messages/:/reactions/:": {
          const r = reactions.get(m.id) ?? new Map();
          reactions.set(m.id, r);
          const set = r.get(p[4]) ?? new Set();
          r.set(p[4], set);
          const add = req.method === "PUT";
          if (add === set.has(u.id)) return json(res, 204);
          if (add) set.add(u.id);
          else set.delete(u.id);
          emit(m.room_id, add ? "reaction.added" : "reaction.removed", { message_id: m.id, emoji: p[4], user_id: u.id, count: set.size });
          return json(res, 204);
        }
      }
    }
    return problem(res, 404, "not_found", `no route ${route}`);
  } catch (e) {
    return problem(res, 500, "internal", String(e));
  }
});

const wss = new WebSocketServer({ noServer: true });
server.on("upgrade", (req, socket, head) => {
  const url = new URL(req.url, "http://x");
  const userId = tickets.get(url.searchParams.get("ticket"));
  tickets.delete(url.searchParams.get("ticket"));
  if (url.pathname !== "/v1/ws" || !userId) return socket.destroy();
  wss.handleUpgrade(req, socket, head, (ws) => {
    const s = { ws, userId, rooms: new Set(), send: (f) => ws.readyState === 1 && ws.send(JSON.stringify(f)) };
    sockets.add(s);
    s.send({ type: "hello", user_id: userId, connection_id: randomUUID(), instance: "mock", heartbeat_s: 20 });
    ws.on("message", (raw) => {
      let f;
      try {
        f = JSON.parse(String(raw));
      } catch {
        return;
      }
      const room = f.room_id && rooms.get(f.room_id);
      switch (f.type) {
        case "subscribe": {
          if (!room || !members.get(room.id).has(userId)) return s.send({ type: "error", ref: f.ref, code: "not_found", message: "room" });
          s.rooms.add(room.id);
          s.send({ type: "ok", ref: f.ref, room_id: room.id, last_seq: room.last_seq });
          if (typeof f.since === "number")
            for (const ev of events.get(room.id).filter((e) => e.seq > f.since))
              s.send({ type: "event", room_id: room.id, seq: ev.seq, event: ev.kind, data: ev.data });
          return presence(room.id);
        }
        case "unsubscribe":
          s.rooms.delete(f.room_id);
          return presence(f.room_id);
        case "typing":
          for (const o of sockets) if (o !== s && o.userId !== userId && o.rooms.has(f.room_id)) o.send({ type: "typing", room_id: f.room_id, user_id: userId });
          return;
        case "auth":
          return s.send({ type: "ok", ref: f.ref, expires_at: Math.floor(Date.now() / 1000) + 3600 });
        case "ping":
          return s.send({ type: "pong", ref: f.ref });
      }
    });
    ws.on("close", () => {
      sockets.delete(s);
      for (const r of s.rooms) presence(r);
    });
  });
});

server.listen(PORT, "127.0.0.1", () => console.log(`mock API on http://127.0.0.1:${PORT}`));
