-- Hardening (issue 21).

-- A Clerk event older than what we applied (by its payload's updated_at) never overwrites
-- a newer one; a deleted user stays deleted.
ALTER TABLE users ADD COLUMN clerk_updated_at timestamptz;

-- One rule each, called by every path (history, search, the event log and resume, file
-- downloads and thumbnails, notifications, exports):

-- A subscription grants access while access_until (kept by payments from Stripe's status,
-- the period's end and the grace period) lies ahead.
CREATE FUNCTION parley_tier_access(p_user uuid, p_tier uuid) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT EXISTS (SELECT 1 FROM subscriptions s
                   WHERE s.fan_id = p_user AND s.tier_id = p_tier AND s.access_until > now())
$$;

-- Who reads a room's content: a public room without a tier, anyone signed in; otherwise its
-- members, where a subscriber-only room's plain members read only while their access lasts.
CREATE FUNCTION parley_room_reader(p_room uuid, p_user uuid) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT EXISTS (
        SELECT 1 FROM rooms r LEFT JOIN room_members m ON m.room_id = r.id AND m.user_id = p_user
        WHERE r.id = p_room AND CASE
            WHEN m.user_id IS NULL THEN r.kind = 'public' AND r.required_tier_id IS NULL
            ELSE r.required_tier_id IS NULL OR m.role <> 'member'
                 OR parley_tier_access(p_user, r.required_tier_id) END)
$$;

-- A pay-per-view message is open to its author and to buyers whose unlock is live (a full
-- refund or a lost dispute removes it); any other message is open to its readers.
CREATE FUNCTION parley_ppv_open(p_message uuid, p_ppv jsonb, p_author uuid, p_user uuid) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT p_ppv IS NULL OR p_author = p_user
        OR EXISTS (SELECT 1 FROM ppv_unlocks u WHERE u.message_id = p_message AND u.user_id = p_user)
$$;

-- Who may see a file: its owner; anyone signed in for avatars, logos in use and public
-- notes; readers of the room of the (live) message it is attached to, when that message is
-- open to them (pay-per-view); those who may see the note it belongs to.
CREATE OR REPLACE FUNCTION parley_file_visible(p_file uuid, p_user uuid) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT EXISTS (
        SELECT 1 FROM files f WHERE f.id = p_file AND (
            f.owner_id = p_user
            OR (f.purpose IN ('avatar', 'room_logo') AND f.status = 'attached')
            OR (f.message_id IS NOT NULL AND EXISTS (
                SELECT 1 FROM messages m
                WHERE m.id = f.message_id AND m.deleted_at IS NULL
                  AND parley_room_reader(m.room_id, p_user)
                  AND parley_ppv_open(m.id, m.ppv, m.author_id, p_user)))
            OR EXISTS (
                SELECT 1 FROM notes n WHERE n.file_id = f.id
                  AND parley_note_visible(n.is_public, n.author_id, n.room_id, p_user))))
$$;

-- Jobs are leased: a worker takes one (`running` until `lease_until`), commits, works with
-- no transaction open, then records the outcome; a lease that runs out makes the job due
-- again. `attempts` now counts runs started.
ALTER TABLE jobs DROP CONSTRAINT jobs_status_check;
ALTER TABLE jobs ADD CONSTRAINT jobs_status_check CHECK (status IN ('queued', 'running', 'done', 'failed'));
ALTER TABLE jobs ADD COLUMN lease_until timestamptz, ADD COLUMN lease_token uuid;
CREATE INDEX jobs_leased ON jobs (lease_until) WHERE status = 'running';
