-- Notifications: explicit mentions on messages, per-member levels and mute, do-not-disturb
-- hours, a per-user feed with a gap-free sequence (the room log's discipline), and Web
-- Push subscriptions.

ALTER TABLE messages ADD COLUMN mentions jsonb;   -- {"user_ids": [...], "room": bool}; NULL = none

ALTER TABLE users
    -- The feed's head: every feed change takes notif_seq + 1 under the user row's lock.
    ADD COLUMN notif_seq bigint NOT NULL DEFAULT 0,
    ADD COLUMN time_zone text NOT NULL DEFAULT 'UTC',
    -- Do-not-disturb hours as minutes after local midnight (both set or both NULL).
    ADD COLUMN dnd_start smallint CHECK (dnd_start BETWEEN 0 AND 1439),
    ADD COLUMN dnd_end smallint CHECK (dnd_end BETWEEN 0 AND 1439),
    ADD CONSTRAINT users_dnd_both CHECK ((dnd_start IS NULL) = (dnd_end IS NULL));

ALTER TABLE room_members
    ADD COLUMN notify_level text CHECK (notify_level IN ('all', 'mentions', 'none')),
    ADD COLUMN muted_until timestamptz;
-- Members who want every message: looked up for every posted batch, so kept tiny.
CREATE INDEX room_members_notify_all ON room_members (room_id) WHERE notify_level = 'all';

CREATE TABLE notifications (
    id         uuid PRIMARY KEY,
    user_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- The feed seq of the row's latest change (a coalesced row moves to the head).
    seq        bigint NOT NULL,
    kind       text NOT NULL,
    -- Unread rows with the same key coalesce: 'dm:<room>', 'reply:<message>', 'room:<room>'.
    group_key  text,
    room_id    uuid,
    message_id uuid,
    room_seq   bigint,
    actor_id   uuid,
    count      integer NOT NULL DEFAULT 1,
    preview    text,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    read_at    timestamptz,
    CONSTRAINT notifications_user_seq UNIQUE (user_id, seq)
);
CREATE UNIQUE INDEX notifications_group ON notifications (user_id, group_key)
    WHERE read_at IS NULL AND group_key IS NOT NULL;
CREATE INDEX notifications_unread ON notifications (user_id, room_id, room_seq) WHERE read_at IS NULL;
-- A deleted message's text leaves the previews that quoted it.
CREATE INDEX notifications_message ON notifications (message_id) WHERE message_id IS NOT NULL;

-- Every change of a user's feed, in seq order with no holes: what the socket replays.
CREATE TABLE notification_log (
    user_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    seq        bigint NOT NULL,
    kind       text NOT NULL CHECK (kind IN ('notification', 'notifications_read')),
    data       jsonb NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, seq)
);

CREATE TABLE push_subscriptions (
    id         uuid PRIMARY KEY,
    user_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    endpoint   text NOT NULL UNIQUE,
    p256dh     text NOT NULL,
    auth       text NOT NULL,
    failures   integer NOT NULL DEFAULT 0,
    created_at timestamptz NOT NULL DEFAULT now(),
    last_ok_at timestamptz
);
CREATE INDEX push_subscriptions_user ON push_subscriptions (user_id);

-- A notification's view, as the API shows it (also inside log entries and frames).
CREATE FUNCTION parley_notification_view(n notifications) RETURNS jsonb LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object(
        'id', n.id, 'seq', n.seq, 'kind', n.kind, 'room_id', n.room_id,
        'message_id', n.message_id, 'room_seq', n.room_seq, 'actor_id', n.actor_id,
        'count', n.count, 'preview', n.preview,
        'room_name', (SELECT r.name FROM rooms r WHERE r.id = n.room_id),
        'read', n.read_at IS NOT NULL, 'created_at', n.created_at, 'updated_at', n.updated_at);
$$;

-- Writes a batch of notifications in one statement: coalesces unread rows with the same
-- group key (count + n, latest actor and message, moved to the feed head), allocates each
-- user's seqs under the user row's lock (users locked in id order), appends the log, and
-- queues a push job per subscription of the items marked push. Returns the log entries
-- to publish. Item: {id, user_id, kind, group_key, room_id, message_id, room_seq,
-- actor_id, preview, push, ord}.
CREATE FUNCTION parley_notify(p_items jsonb)
RETURNS TABLE (user_id uuid, seq bigint, kind text, data jsonb)
LANGUAGE plpgsql AS $$
#variable_conflict use_column
BEGIN
    PERFORM 1 FROM users u
    WHERE u.id IN (SELECT (e->>'user_id')::uuid FROM jsonb_array_elements(p_items) e)
    ORDER BY u.id
    FOR NO KEY UPDATE;

    RETURN QUERY
    WITH items AS (
        SELECT * FROM jsonb_to_recordset(p_items) AS x(
            id uuid, user_id uuid, kind text, group_key text, room_id uuid, message_id uuid,
            room_seq bigint, actor_id uuid, preview text, push boolean, ord integer)
    ),
    -- Items of one batch with the same group key become one change (the latest wins).
    grouped AS (
        SELECT DISTINCT ON (i.user_id, coalesce(i.group_key, i.id::text)) i.*,
            count(*) OVER (PARTITION BY i.user_id, coalesce(i.group_key, i.id::text)) AS n,
            bool_or(i.push) OVER (PARTITION BY i.user_id, coalesce(i.group_key, i.id::text)) AS any_push
        FROM items i
        ORDER BY i.user_id, coalesce(i.group_key, i.id::text), i.ord DESC
    ),
    counts AS (SELECT g.user_id, count(*) AS n FROM grouped g GROUP BY g.user_id),
    heads AS (
        UPDATE users u SET notif_seq = u.notif_seq + counts.n
        FROM counts WHERE u.id = counts.user_id
        RETURNING u.id, u.notif_seq - counts.n AS base
    ),
    numbered AS (
        SELECT g.*, h.base + row_number() OVER (PARTITION BY g.user_id ORDER BY g.ord) AS new_seq
        FROM grouped g JOIN heads h ON h.id = g.user_id
    ),
    written AS (
        INSERT INTO notifications AS n (id, user_id, seq, kind, group_key, room_id, message_id,
                                        room_seq, actor_id, count, preview)
        SELECT m.id, m.user_id, m.new_seq, m.kind, m.group_key, m.room_id, m.message_id,
               m.room_seq, m.actor_id, m.n, m.preview
        FROM numbered m
        ORDER BY m.user_id, m.new_seq
        ON CONFLICT (user_id, group_key) WHERE read_at IS NULL AND group_key IS NOT NULL
        DO UPDATE SET seq = excluded.seq, message_id = excluded.message_id,
            room_seq = excluded.room_seq, actor_id = excluded.actor_id,
            count = n.count + excluded.count, preview = excluded.preview, updated_at = now()
        RETURNING n.*
    ),
    logged AS (
        INSERT INTO notification_log (user_id, seq, kind, data)
        SELECT w.user_id, w.seq, 'notification',
               jsonb_build_object('notification', parley_notification_view(ROW(w.*)::notifications))
        FROM written w
        RETURNING *
    ),
    pushed AS (
        INSERT INTO jobs (kind, payload)
        SELECT 'push.send', jsonb_build_object('subscription_id', s.id, 'notification_id', w.id,
                                               'room_id', w.room_id, 'seq', w.seq)
        FROM written w
        JOIN numbered m ON m.user_id = w.user_id AND m.new_seq = w.seq AND m.any_push
        JOIN push_subscriptions s ON s.user_id = w.user_id
        RETURNING 1
    )
    SELECT l.user_id, l.seq, l.kind, l.data FROM logged l ORDER BY l.user_id, l.seq;
END;
$$;

-- Marks a user's unread notifications read (by ids, up to a feed seq, or those of a room up
-- to a room seq) and logs the change as one entry. Returns the entry, if anything changed.
CREATE FUNCTION parley_notifications_read(
    p_user uuid, p_ids uuid[], p_up_to_seq bigint, p_room uuid, p_room_seq bigint)
RETURNS TABLE (user_id uuid, seq bigint, kind text, data jsonb)
LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
    v_ids uuid[];
    v_seq bigint;
BEGIN
    PERFORM 1 FROM users u WHERE u.id = p_user FOR NO KEY UPDATE;
    WITH marked AS (
        UPDATE notifications n SET read_at = now()
        WHERE n.user_id = p_user AND n.read_at IS NULL
          AND (p_ids IS NULL OR n.id = ANY (p_ids))
          AND (p_up_to_seq IS NULL OR n.seq <= p_up_to_seq)
          AND (p_room IS NULL OR (n.room_id = p_room AND n.room_seq <= p_room_seq))
        RETURNING n.id
    )
    SELECT array_agg(m.id) INTO v_ids FROM marked m;
    IF v_ids IS NULL THEN
        RETURN;
    END IF;
    UPDATE users u SET notif_seq = u.notif_seq + 1 WHERE u.id = p_user RETURNING u.notif_seq INTO v_seq;
    RETURN QUERY
    INSERT INTO notification_log AS l (user_id, seq, kind, data)
    VALUES (p_user, v_seq, 'notifications_read', jsonb_build_object('ids', to_jsonb(v_ids)))
    RETURNING l.user_id, l.seq, l.kind, l.data;
END;
$$;

-- Group commit of message posts: one call (one round trip, one transaction) for a whole
-- batch, across rooms, set-based: each room's head moves once by the number of its new
-- messages. The batch's rooms are locked first, in id order, so two batches never wait on
-- each other in a cycle; within a room, messages take seqs in batch order (idx). Each
-- item's outcome is returned instead of raised so that one bad item does not fail its
-- neighbours.
-- Outcomes: created, duplicate, client_msg_id_conflict, not_member, no_room, bad_reply,
-- bad_mention (a mentioned user is not a member), bad_room_mention (@room by a plain
-- member, or in a room of over 1,000 members).
-- Item: {idx, id, room_id, author_id, body, client_msg_id, reply_to, created_at, mentions, payload}
-- where payload is the message.created event data without its seq.
CREATE OR REPLACE FUNCTION parley_post_messages(p_items jsonb)
RETURNS TABLE (idx integer, outcome text, message_id uuid, seq bigint)
LANGUAGE plpgsql AS $$
#variable_conflict use_column
BEGIN
    PERFORM 1 FROM rooms r
    WHERE r.id IN (SELECT (e->>'room_id')::uuid FROM jsonb_array_elements(p_items) e)
    ORDER BY r.id
    FOR NO KEY UPDATE;

    RETURN QUERY
    WITH items AS (
        SELECT * FROM jsonb_to_recordset(p_items) AS x(
            idx integer, id uuid, room_id uuid, author_id uuid, body text,
            client_msg_id text, reply_to uuid, created_at timestamptz, mentions jsonb, payload jsonb)
    ),
    -- LATERAL ... LIMIT 1 keeps every check an index lookup: as plain joins the planner
    -- may hash-join whole tables, which costs a scan of all messages per batch.
    checked AS (
        SELECT i.*, d.id AS existing_id,
            CASE
                WHEN d.id IS NOT NULL THEN
                    CASE WHEN d.room_id = i.room_id THEN 'duplicate' ELSE 'client_msg_id_conflict' END
                WHEN mem.ok IS NULL THEN
                    -- A private room must look exactly like a missing one to outsiders.
                    CASE WHEN r.kind = 'public' THEN 'not_member' ELSE 'no_room' END
                WHEN i.reply_to IS NOT NULL AND NOT EXISTS (
                    SELECT 1 FROM messages p WHERE p.id = i.reply_to AND p.room_id = i.room_id) THEN 'bad_reply'
                WHEN i.mentions IS NOT NULL AND EXISTS (
                    SELECT 1 FROM jsonb_array_elements_text(i.mentions->'user_ids') u(id)
                    WHERE NOT EXISTS (SELECT 1 FROM room_members x
                                      WHERE x.room_id = i.room_id AND x.user_id = u.id::uuid)) THEN 'bad_mention'
                WHEN (i.mentions->>'room')::boolean
                     AND (mem.role NOT IN ('owner', 'moderator') OR r.member_count > 1000) THEN 'bad_room_mention'
                ELSE 'created'
            END AS outcome
        FROM items i
        LEFT JOIN LATERAL (
            SELECT m.id, m.room_id FROM messages m
            WHERE m.author_id = i.author_id AND m.client_msg_id = i.client_msg_id LIMIT 1
        ) d ON true
        LEFT JOIN LATERAL (
            SELECT true AS ok, rm.role FROM room_members rm
            WHERE rm.room_id = i.room_id AND rm.user_id = i.author_id LIMIT 1
        ) mem ON true
        LEFT JOIN LATERAL (SELECT rr.kind, rr.member_count FROM rooms rr WHERE rr.id = i.room_id LIMIT 1) r ON true
    ),
    counts AS (
        SELECT c.room_id, count(*) AS n, max(c.created_at) AS at
        FROM checked c WHERE c.outcome = 'created' GROUP BY c.room_id
    ),
    heads AS (
        UPDATE rooms r SET last_seq = r.last_seq + counts.n, last_activity_at = counts.at
        FROM counts WHERE r.id = counts.room_id
        RETURNING r.id, r.last_seq - counts.n AS base
    ),
    numbered AS (
        SELECT c.*, h.base + row_number() OVER (PARTITION BY c.room_id ORDER BY c.idx) AS new_seq
        FROM checked c JOIN heads h ON h.id = c.room_id
        WHERE c.outcome = 'created'
    ),
    inserted_messages AS (
        INSERT INTO messages (id, room_id, seq, author_id, body, reply_to, client_msg_id, created_at, mentions)
        SELECT n.id, n.room_id, n.new_seq, n.author_id, n.body, n.reply_to, n.client_msg_id, n.created_at, n.mentions
        FROM numbered n
        RETURNING 1
    ),
    inserted_events AS (
        INSERT INTO room_events (room_id, seq, kind, payload, created_at)
        SELECT n.room_id, n.new_seq, 'message.created', jsonb_set(n.payload, '{seq}', to_jsonb(n.new_seq)), n.created_at
        FROM numbered n
        RETURNING 1
    )
    SELECT c.idx, c.outcome,
           CASE WHEN c.outcome = 'created' THEN c.id ELSE c.existing_id END,
           n.new_seq
    FROM checked c LEFT JOIN numbered n ON n.idx = c.idx
    ORDER BY c.idx;
END;
$$;
