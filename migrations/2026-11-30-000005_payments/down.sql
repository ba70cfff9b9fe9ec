-- The post function as the file uses migration left it (without pay-per-view).
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

DROP TABLE ppv_unlocks;
ALTER TABLE messages DROP COLUMN ppv;
DROP TABLE payments;
ALTER TABLE rooms DROP COLUMN required_tier_id;
DROP TABLE subscriptions;
DROP TABLE creator_tiers;
DROP TABLE creator_profiles;
DROP TABLE stripe_events;
DROP TABLE stripe_customers;
DROP TABLE payout_accounts;
