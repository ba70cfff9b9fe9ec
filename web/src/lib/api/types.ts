// Aliases derived from the generated schema by route, so they survive renames of
// component schemas in the API document. No request/response type is written by hand.
import type { paths } from "./schema";

type Json<T> = T extends { content: { "application/json": infer B } } ? B : never;
type Ok<Op> = Op extends { responses: infer R }
  ? R extends { 200: infer A }
    ? Json<A>
    : R extends { 201: infer B }
      ? Json<B>
      : never
  : never;
type Body<Op> = Op extends { requestBody?: infer B } ? Json<NonNullable<B>> : never;

export type User = Ok<paths["/v1/me"]["get"]>;
export type UpdateMe = Body<paths["/v1/me"]["patch"]>;
export type Room = Ok<paths["/v1/rooms/{room_id}"]["get"]>;
export type RoomKind = Room["kind"];
export type CreateRoom = Body<paths["/v1/rooms"]["post"]>;
export type RoomPage = Ok<paths["/v1/rooms"]["get"]>;
export type UserPage = Ok<paths["/v1/users"]["get"]>;
export type Member = Ok<paths["/v1/rooms/{room_id}/members"]["get"]>["items"][number];
export type MemberRole = Member["role"];
export type Message = Ok<paths["/v1/rooms/{room_id}/messages"]["get"]>["items"][number];
export type MessagePage = Ok<paths["/v1/rooms/{room_id}/messages"]["get"]>;
export type RoomEventRecord = Ok<paths["/v1/rooms/{room_id}/events"]["get"]>["items"][number];
export type Conversation = Ok<paths["/v1/conversations"]["get"]>["items"][number];
