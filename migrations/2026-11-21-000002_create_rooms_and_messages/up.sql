CREATE TABLE rooms (
    id               uuid PRIMARY KEY,
    name             text NOT NULL,
    description      text,
    kind             text NOT NULL CHECK (kind IN ('public', 'private', 'direct')),
    max_members      integer CHECK (max_members IS NULL OR max_members > 0),
    created_by       uuid NOT NULL REFERENCES users (id),
    -- The room's event log head: every event takes last_seq + 1 in its own transaction.
    last_seq         bigint NOT NULL DEFAULT 0,
    member_count     integer NOT NULL DEFAULT 0,
    -- "smaller-uuid:larger-uuid" for direct rooms: makes get-or-create race-safe.
    dm_key           text UNIQUE,
    last_activity_at timestamptz NOT NULL DEFAULT now(),
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX rooms_public_name ON rooms (lower(name) text_pattern_ops) WHERE kind = 'public';

CREATE TABLE room_members (
    room_id       uuid NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
    user_id       uuid NOT NULL REFERENCES users (id),
    role          text NOT NULL CHECK (role IN ('owner', 'moderator', 'member')),
    joined_at     timestamptz NOT NULL DEFAULT now(),
    last_read_seq bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (room_id, user_id)
);
CREATE INDEX room_members_user ON room_members (user_id);

CREATE TABLE messages (
    id            uuid PRIMARY KEY,
    room_id       uuid NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
    seq           bigint NOT NULL,
    author_id     uuid NOT NULL REFERENCES users (id),
    -- Emptied on delete; the row and its seq stay so history has no holes.
    body          text NOT NULL,
    reply_to      uuid REFERENCES messages (id) ON DELETE SET NULL,
    client_msg_id text NOT NULL,
    created_at    timestamptz NOT NULL,
    edited_at     timestamptz,
    deleted_at    timestamptz,
    search        tsvector GENERATED ALWAYS AS (to_tsvector('simple', body)) STORED,
    CONSTRAINT messages_room_seq UNIQUE (room_id, seq),
    CONSTRAINT messages_author_client_msg_id UNIQUE (author_id, client_msg_id)
);
CREATE INDEX messages_search ON messages USING gin (search);

CREATE TABLE reactions (
    message_id uuid NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    user_id    uuid NOT NULL REFERENCES users (id),
    emoji      text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (message_id, emoji, user_id)
);

CREATE TABLE room_events (
    room_id    uuid NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
    seq        bigint NOT NULL,
    kind       text NOT NULL,
    payload    jsonb NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (room_id, seq)
);

-- Appends one event to a room's log. The room row is locked by this one statement and
-- stays locked until the caller's transaction ends, so seqs are gap-free and never reused
-- (a rollback undoes the increment too). Call it as the last statement before COMMIT.
CREATE FUNCTION parley_append_event(p_room uuid, p_kind text, p_payload jsonb)
RETURNS SETOF room_events LANGUAGE sql AS $$
    WITH head AS (
        UPDATE rooms SET last_seq = last_seq + 1, last_activity_at = now()
        WHERE id = p_room RETURNING id, last_seq
    )
    INSERT INTO room_events (room_id, seq, kind, payload)
    SELECT id, last_seq, p_kind, p_payload FROM head
    RETURNING *;
$$;

-- Group commit of message posts: one call (one round trip, one transaction) for a whole
-- batch, across rooms. Items are taken in room order so that two batches never lock two
-- rooms in opposite orders; within a room, in batch order (idx). Each item's outcome is
-- returned instead of raised so that one bad item does not fail its neighbours.
-- Outcomes: created, duplicate, client_msg_id_conflict, not_member, no_room, bad_reply.
-- Item: {idx, id, room_id, author_id, body, client_msg_id, reply_to, created_at, payload}
-- where payload is the message.created event data without its seq.
CREATE FUNCTION parley_post_messages(p_items jsonb)
RETURNS TABLE (idx integer, outcome text, message_id uuid, seq bigint)
LANGUAGE plpgsql AS $$
DECLARE
    it record;
    found_room uuid;
    found_id uuid;
    v_seq bigint;
BEGIN
    FOR it IN
        SELECT * FROM jsonb_to_recordset(p_items) AS x(
            idx integer, id uuid, room_id uuid, author_id uuid, body text,
            client_msg_id text, reply_to uuid, created_at timestamptz, payload jsonb)
        ORDER BY x.room_id, x.idx
    LOOP
        idx := it.idx;
        seq := NULL;
        SELECT m.room_id, m.id INTO found_room, found_id FROM messages m
        WHERE m.author_id = it.author_id AND m.client_msg_id = it.client_msg_id;
        IF FOUND THEN
            outcome := CASE WHEN found_room = it.room_id THEN 'duplicate' ELSE 'client_msg_id_conflict' END;
            message_id := found_id;
            RETURN NEXT;
            CONTINUE;
        END IF;
        message_id := NULL;
        IF NOT EXISTS (SELECT 1 FROM room_members rm
                       WHERE rm.room_id = it.room_id AND rm.user_id = it.author_id) THEN
            -- A private room must look exactly like a missing one to outsiders.
            outcome := CASE WHEN EXISTS (SELECT 1 FROM rooms r WHERE r.id = it.room_id AND r.kind = 'public')
                            THEN 'not_member' ELSE 'no_room' END;
            RETURN NEXT;
            CONTINUE;
        END IF;
        IF it.reply_to IS NOT NULL AND NOT EXISTS (
            SELECT 1 FROM messages m WHERE m.id = it.reply_to AND m.room_id = it.room_id) THEN
            outcome := 'bad_reply';
            RETURN NEXT;
            CONTINUE;
        END IF;
        UPDATE rooms SET last_seq = last_seq + 1, last_activity_at = it.created_at
        WHERE id = it.room_id RETURNING last_seq INTO v_seq;
        INSERT INTO messages (id, room_id, seq, author_id, body, reply_to, client_msg_id, created_at)
        VALUES (it.id, it.room_id, v_seq, it.author_id, it.body, it.reply_to, it.client_msg_id, it.created_at);
        INSERT INTO room_events (room_id, seq, kind, payload, created_at)
        VALUES (it.room_id, v_seq, 'message.created', jsonb_set(it.payload, '{seq}', to_jsonb(v_seq)), it.created_at);
        outcome := 'created';
        message_id := it.id;
        seq := v_seq;
        RETURN NEXT;
    END LOOP;
END;
$$;
