DROP FUNCTION parley_post_messages(jsonb);
DROP FUNCTION parley_append_event(uuid, text, jsonb);
DROP TABLE room_events;
DROP TABLE reactions;
DROP TABLE messages;
DROP TABLE room_members;
DROP TABLE rooms;
