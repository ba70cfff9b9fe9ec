DROP TABLE idempotency_keys;
DROP FUNCTION parley_payment_refresh(uuid);
ALTER TABLE creator_tiers DROP COLUMN price_request;
DROP INDEX subscriptions_one_per_tier;
DROP INDEX payments_one_purchase;
UPDATE payments SET status = 'refunded' WHERE status = 'undeliverable';
ALTER TABLE payments DROP CONSTRAINT payments_kind_check;
ALTER TABLE payments ADD CONSTRAINT payments_kind_check CHECK (kind IN ('tip', 'ppv', 'subscription_invoice', 'lecture', 'booking'));
ALTER TABLE payments DROP CONSTRAINT payments_status_check;
ALTER TABLE payments ADD CONSTRAINT payments_status_check CHECK (status IN
    ('pending', 'succeeded', 'failed', 'refunded', 'partially_refunded'));
DROP TABLE disputes;
DROP TABLE refunds;
DROP INDEX jobs_leased;
UPDATE jobs SET status = 'queued' WHERE status = 'running';
ALTER TABLE jobs DROP COLUMN lease_until, DROP COLUMN lease_token;
ALTER TABLE jobs DROP CONSTRAINT jobs_status_check;
ALTER TABLE jobs ADD CONSTRAINT jobs_status_check CHECK (status IN ('queued', 'done', 'failed'));
-- The file rule as it was.
CREATE OR REPLACE FUNCTION parley_file_visible(p_file uuid, p_user uuid) RETURNS boolean
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

DROP FUNCTION parley_ppv_open(uuid, jsonb, uuid, uuid);
DROP FUNCTION parley_room_reader(uuid, uuid);
DROP FUNCTION parley_reads(text, uuid, text, uuid);
DROP FUNCTION parley_tier_access(uuid, uuid);
DROP FUNCTION parley_subscription_live(timestamptz);
ALTER TABLE users DROP COLUMN clerk_updated_at;
