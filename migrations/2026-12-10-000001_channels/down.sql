DROP TABLE digest_pending;
DROP TABLE deliveries;
DROP TABLE channel_prefs;
DROP TABLE sms_opt_outs;
ALTER TABLE users DROP COLUMN phone, DROP COLUMN email_bounced_at, DROP COLUMN phone_failed_at;

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
