-- What uses a file: a message (attachments), a profile (avatar), a room (logo) or a note.
-- A file in use is `attached`; released files lose their row at once and their bytes
-- through a `files.delete_objects` job (durable, retried).
ALTER TABLE files
    ADD COLUMN message_id    uuid,
    ADD COLUMN thumbnail_key text UNIQUE;
CREATE INDEX files_message ON files (message_id) WHERE message_id IS NOT NULL;

-- The attachments as the message's view shows them (name, type, size, dimensions): they
-- never change, so history pages need no join. Cleared when the message is deleted.
ALTER TABLE messages ADD COLUMN attachments jsonb;

ALTER TABLE users ADD COLUMN avatar_file_id uuid REFERENCES files (id) ON DELETE SET NULL;
ALTER TABLE rooms ADD COLUMN logo_file_id uuid REFERENCES files (id) ON DELETE SET NULL;

-- The study-notes library. A subjects catalogue comes later (subject_id is kept for it).
CREATE TABLE notes (
    id             uuid PRIMARY KEY,
    author_id      uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    file_id        uuid NOT NULL UNIQUE REFERENCES files (id) ON DELETE CASCADE,
    room_id        uuid REFERENCES rooms (id) ON DELETE SET NULL,
    subject_id     uuid,
    title          text NOT NULL,
    description    text NOT NULL DEFAULT '',
    is_public      boolean NOT NULL,
    view_count     bigint NOT NULL DEFAULT 0,
    download_count bigint NOT NULL DEFAULT 0,
    search         tsvector GENERATED ALWAYS AS (to_tsvector('simple', title || ' ' || description)) STORED,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX notes_public ON notes (id DESC) WHERE is_public;
CREATE INDEX notes_room ON notes (room_id, id DESC) WHERE room_id IS NOT NULL;
CREATE INDEX notes_author ON notes (author_id, id DESC);
CREATE INDEX notes_search ON notes USING gin (search);

-- Who may see a note: everyone signed in for a public one, its author, and the members of
-- the room it is shared to.
CREATE FUNCTION parley_note_visible(p_public boolean, p_author uuid, p_room uuid, p_user uuid) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT p_public OR p_author = p_user
        OR (p_room IS NOT NULL AND EXISTS (
            SELECT 1 FROM room_members rm WHERE rm.room_id = p_room AND rm.user_id = p_user))
$$;

-- Who may see a file: its owner; anyone signed in for avatars, logos in use and public
-- notes; members of the room of the (live) message it is attached to or of the note's room.
CREATE FUNCTION parley_file_visible(p_file uuid, p_user uuid) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT EXISTS (
        SELECT 1 FROM files f WHERE f.id = p_file AND (
            f.owner_id = p_user
            OR (f.purpose IN ('avatar', 'room_logo') AND f.status = 'attached')
            OR (f.message_id IS NOT NULL AND EXISTS (
                SELECT 1 FROM messages m JOIN room_members rm ON rm.room_id = m.room_id AND rm.user_id = p_user
                WHERE m.id = f.message_id AND m.deleted_at IS NULL))
            OR EXISTS (
                SELECT 1 FROM notes n WHERE n.file_id = f.id
                  AND parley_note_visible(n.is_public, n.author_id, n.room_id, p_user))))
$$;

-- Marks the owner's unused upload of that purpose as in use; false when it is not one.
CREATE FUNCTION parley_claim_file(p_owner uuid, p_file uuid, p_purpose text) RETURNS boolean
LANGUAGE sql AS $$
    WITH claimed AS (
        UPDATE files SET status = 'attached', attached_at = now()
        WHERE id = p_file AND owner_id = p_owner AND purpose = p_purpose AND status = 'uploaded'
        RETURNING 1)
    SELECT EXISTS (SELECT 1 FROM claimed)
$$;

-- Deletes the files' rows and queues the deletion of their objects (and thumbnails).
CREATE FUNCTION parley_release_files(p_files uuid[]) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    v_keys jsonb;
    v_n integer;
BEGIN
    WITH gone AS (
        DELETE FROM files WHERE id = ANY (p_files) RETURNING object_key, thumbnail_key)
    SELECT count(*), COALESCE(jsonb_agg(k) FILTER (WHERE k IS NOT NULL), '[]'::jsonb)
    INTO v_n, v_keys
    FROM gone, LATERAL (VALUES (gone.object_key), (gone.thumbnail_key)) AS keys(k);
    IF jsonb_array_length(v_keys) > 0 THEN
        INSERT INTO jobs (kind, payload) VALUES ('files.delete_objects', jsonb_build_object('keys', v_keys));
    END IF;
    RETURN v_n / 2;
END;
$$;

-- Posting now takes attachments (attachment_ids, claimed in the same statement).
CREATE OR REPLACE FUNCTION parley_post_messages(p_items jsonb)
RETURNS TABLE (idx integer, outcome text, message_id uuid, seq bigint)
LANGUAGE plpgsql AS $$
#variable_conflict use_column
BEGIN
    PERFORM 1 FROM rooms r
    WHERE r.id IN (SELECT (e->>'room_id')::uuid FROM jsonb_array_elements(p_items) e)
    ORDER BY r.id
    FOR NO KEY UPDATE;
    -- Attachments are claimed here: their rows are locked first, so two posts (on any
    -- instance) cannot both take one upload.
    PERFORM 1 FROM files f
    WHERE f.id IN (SELECT a::uuid FROM jsonb_array_elements(p_items) e,
                   jsonb_array_elements_text(COALESCE(e->'attachment_ids', '[]'::jsonb)) a)
    ORDER BY f.id
    FOR NO KEY UPDATE;

    RETURN QUERY
    WITH items AS (
        SELECT * FROM jsonb_to_recordset(p_items) AS x(
            idx integer, id uuid, room_id uuid, author_id uuid, body text,
            client_msg_id text, reply_to uuid, created_at timestamptz, mentions jsonb, payload jsonb,
            attachment_ids jsonb, attachments jsonb)
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
                -- Each attachment: the author's own unused upload for attachments, not
                -- claimed by an earlier post of this batch.
                WHEN jsonb_array_length(COALESCE(i.attachment_ids, '[]'::jsonb)) > 0 AND (
                    (SELECT count(*) FROM files f
                     WHERE f.id IN (SELECT a::uuid FROM jsonb_array_elements_text(i.attachment_ids) a)
                       AND f.owner_id = i.author_id AND f.purpose = 'attachment' AND f.status = 'uploaded')
                        <> jsonb_array_length(i.attachment_ids)
                    OR EXISTS (
                        SELECT 1 FROM items o, jsonb_array_elements_text(o.attachment_ids) oa(id)
                        WHERE o.idx < i.idx AND i.attachment_ids ? oa.id)) THEN 'bad_attachment'
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
        INSERT INTO messages (id, room_id, seq, author_id, body, reply_to, client_msg_id, created_at, mentions, attachments)
        SELECT n.id, n.room_id, n.new_seq, n.author_id, n.body, n.reply_to, n.client_msg_id, n.created_at, n.mentions,
               NULLIF(n.attachments, '[]'::jsonb)
        FROM numbered n
        RETURNING 1
    ),
    claimed_files AS (
        UPDATE files f SET status = 'attached', attached_at = n.created_at, message_id = n.id
        FROM numbered n, jsonb_array_elements_text(COALESCE(n.attachment_ids, '[]'::jsonb)) a(id)
        WHERE f.id = a.id::uuid
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
