DROP INDEX messages_reply_to;
DROP TRIGGER rooms_cascade_log ON rooms;
DROP FUNCTION parley_room_deleted();
ALTER TABLE room_events ADD CONSTRAINT room_events_room_id_fkey
    FOREIGN KEY (room_id) REFERENCES rooms (id) ON DELETE CASCADE;
ALTER TABLE messages
    ADD CONSTRAINT messages_room_id_fkey FOREIGN KEY (room_id) REFERENCES rooms (id) ON DELETE CASCADE,
    ADD CONSTRAINT messages_author_id_fkey FOREIGN KEY (author_id) REFERENCES users (id);
