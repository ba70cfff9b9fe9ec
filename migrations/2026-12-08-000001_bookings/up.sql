-- Bookings and the sessions they schedule (issue 22, second step).
CREATE EXTENSION IF NOT EXISTS btree_gist;

-- A live session in a room (scheduled → live → ended). Its transcript is the room's
-- messages between the seqs recorded at start and end: nothing is copied.
CREATE TABLE sessions (
    id uuid PRIMARY KEY,
    room_id uuid NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
    host_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    title text NOT NULL CHECK (char_length(title) BETWEEN 1 AND 200),
    status text NOT NULL DEFAULT 'scheduled' CHECK (status IN ('scheduled', 'live', 'ended')),
    scheduled_at timestamptz,
    started_at timestamptz,
    ended_at timestamptz,
    start_seq bigint,
    end_seq bigint,
    booking_id uuid,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX sessions_room ON sessions (room_id, id);
CREATE UNIQUE INDEX sessions_one_live ON sessions (room_id) WHERE status = 'live';

-- A booking of a host's slot. `blocked` is the time it keeps from other bookings of the
-- host: its own range widened by its type's buffers. No two live bookings of a host
-- overlap there: PostgreSQL refuses the second (23P01 → 409 slot_taken).
CREATE TABLE bookings (
    id uuid PRIMARY KEY,
    booking_type_id uuid REFERENCES booking_types(id) ON DELETE SET NULL,
    host_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    client_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    title text NOT NULL,
    start_at timestamptz NOT NULL,
    end_at timestamptz NOT NULL CHECK (end_at > start_at),
    -- The type's buffers at booking; `blocked` follows from them (trigger below).
    buffer_before_minutes integer NOT NULL DEFAULT 0,
    buffer_after_minutes integer NOT NULL DEFAULT 0,
    blocked tstzrange NOT NULL,
    status text NOT NULL CHECK (status IN ('held', 'pending', 'confirmed', 'cancelled', 'rejected', 'expired')),
    -- A held (unpaid) booking keeps its slot until then.
    hold_expires_at timestamptz,
    time_zone text NOT NULL,
    note text,
    -- What was asked, from the type at booking: the price and the refund policy.
    price_amount bigint CHECK (price_amount > 0),
    price_currency text,
    refund_until_hours integer,
    requires_confirmation boolean NOT NULL DEFAULT false,
    room_id uuid REFERENCES rooms(id) ON DELETE SET NULL,
    session_id uuid REFERENCES sessions(id) ON DELETE SET NULL,
    payment_id uuid REFERENCES payments(id) ON DELETE SET NULL,
    checkout_url text,
    -- RFC 5545 SEQUENCE: rises with every change a calendar must see.
    sequence integer NOT NULL DEFAULT 0,
    cancel_reason text,
    cancelled_by uuid,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT bookings_no_overlap EXCLUDE USING gist (host_id WITH =, blocked WITH &&)
        WHERE (status IN ('held', 'pending', 'confirmed'))
);
CREATE FUNCTION parley_booking_blocked() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.blocked := tstzrange(NEW.start_at - NEW.buffer_before_minutes * interval '1 minute',
                             NEW.end_at + NEW.buffer_after_minutes * interval '1 minute', '[)');
    RETURN NEW;
END;
$$;
CREATE TRIGGER bookings_blocked BEFORE INSERT OR UPDATE OF start_at, end_at, buffer_before_minutes, buffer_after_minutes
    ON bookings FOR EACH ROW EXECUTE FUNCTION parley_booking_blocked();
CREATE INDEX bookings_host ON bookings (host_id, start_at);
CREATE INDEX bookings_client ON bookings (client_id, start_at);
CREATE INDEX bookings_holds ON bookings (hold_expires_at) WHERE status = 'held';
CREATE INDEX bookings_type ON bookings (booking_type_id, start_at) WHERE status IN ('held', 'pending', 'confirmed');
-- A booking and its session are written in one transaction, the session first.
ALTER TABLE sessions ADD CONSTRAINT sessions_booking FOREIGN KEY (booking_id) REFERENCES bookings(id)
    ON DELETE SET NULL DEFERRABLE INITIALLY DEFERRED;

-- A personal calendar feed at a secret URL: only the token's SHA-256 is kept.
CREATE TABLE calendar_feeds (
    user_id uuid PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    token_hash bytea NOT NULL UNIQUE,
    created_at timestamptz NOT NULL DEFAULT now()
);

-- Bookings are paid through the one ledger.
ALTER TABLE payments DROP CONSTRAINT payments_kind_check;
ALTER TABLE payments ADD CONSTRAINT payments_kind_check
    CHECK (kind IN ('tip', 'ppv', 'subscription_invoice', 'booking'));

-- Notifications about something other than a message name it (a booking).
ALTER TABLE notifications ADD COLUMN subject_id uuid;

CREATE OR REPLACE FUNCTION parley_notification_view(n notifications) RETURNS jsonb LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object(
        'id', n.id, 'seq', n.seq, 'kind', n.kind, 'room_id', n.room_id,
        'message_id', n.message_id, 'room_seq', n.room_seq, 'actor_id', n.actor_id,
        'count', n.count, 'preview', n.preview, 'subject_id', n.subject_id,
        'room_name', (SELECT r.name FROM rooms r WHERE r.id = n.room_id),
        'read', n.read_at IS NOT NULL, 'created_at', n.created_at, 'updated_at', n.updated_at);
$$;

-- The same writer, with the subject.
CREATE OR REPLACE FUNCTION parley_notify(p_items jsonb)
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
            room_seq bigint, actor_id uuid, preview text, push boolean, ord integer, subject_id uuid)
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
                                        room_seq, actor_id, count, preview, subject_id)
        SELECT m.id, m.user_id, m.new_seq, m.kind, m.group_key, m.room_id, m.message_id,
               m.room_seq, m.actor_id, m.n, m.preview, m.subject_id
        FROM numbered m
        ORDER BY m.user_id, m.new_seq
        ON CONFLICT (user_id, group_key) WHERE read_at IS NULL AND group_key IS NOT NULL
        DO UPDATE SET seq = excluded.seq, message_id = excluded.message_id,
            room_seq = excluded.room_seq, actor_id = excluded.actor_id,
            count = n.count + excluded.count, preview = excluded.preview,
            subject_id = excluded.subject_id, updated_at = now()
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
