-- Messages and the event log are appended only through parley_post_messages and
-- parley_append_event, which lock the room row and check membership first, so their
-- foreign keys to rooms and users only re-checked what was just checked: a per-row
-- trigger query that cost about a sixth of PostgreSQL's CPU per posted message.
-- Deleting a room still removes its messages and events, now through one trigger.
ALTER TABLE messages
    DROP CONSTRAINT messages_room_id_fkey,
    DROP CONSTRAINT messages_author_id_fkey;
ALTER TABLE room_events DROP CONSTRAINT room_events_room_id_fkey;

CREATE FUNCTION parley_room_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM room_events WHERE room_id = OLD.id;
    DELETE FROM messages WHERE room_id = OLD.id;
    RETURN OLD;
END;
$$;
CREATE TRIGGER rooms_cascade_log AFTER DELETE ON rooms
    FOR EACH ROW EXECUTE FUNCTION parley_room_deleted();

-- Deleting messages sets the replies to them to NULL: without this index that is a scan
-- of all messages per deleted message.
CREATE INDEX messages_reply_to ON messages (reply_to) WHERE reply_to IS NOT NULL;
