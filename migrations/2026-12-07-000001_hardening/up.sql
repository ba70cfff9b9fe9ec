-- Hardening (issue 21).

-- A Clerk event older than what we applied (by its payload's updated_at) never overwrites
-- a newer one; a deleted user stays deleted.
ALTER TABLE users ADD COLUMN clerk_updated_at timestamptz;

-- One rule each, called by every path (history, search, the event log and resume, file
-- downloads and thumbnails, notifications, exports):

-- A subscription grants access while access_until (kept by payments from Stripe's status,
-- the period's end and the grace period) lies ahead.
CREATE FUNCTION parley_subscription_live(p_access_until timestamptz) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT COALESCE(p_access_until > now(), false)
$$;

-- A fan has access to a tier while one of their subscriptions to it is live.
CREATE FUNCTION parley_tier_access(p_user uuid, p_tier uuid) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT EXISTS (SELECT 1 FROM subscriptions s
                   WHERE s.fan_id = p_user AND s.tier_id = p_tier AND parley_subscription_live(s.access_until))
$$;

-- Who reads a room's content: a public room without a tier, anyone signed in; otherwise its
-- members, where a subscriber-only room's plain members read only while their access lasts.
-- The rule on values a query already has (the room's kind and tier, the caller's role or
-- null when not a member)...
CREATE FUNCTION parley_reads(p_kind text, p_tier uuid, p_role text, p_user uuid) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT CASE
        WHEN p_role IS NULL THEN p_kind = 'public' AND p_tier IS NULL
        ELSE p_tier IS NULL OR p_role <> 'member' OR parley_tier_access(p_user, p_tier) END
$$;

-- ... and by ids.
CREATE FUNCTION parley_room_reader(p_room uuid, p_user uuid) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT EXISTS (
        SELECT 1 FROM rooms r LEFT JOIN room_members m ON m.room_id = r.id AND m.user_id = p_user
        WHERE r.id = p_room AND parley_reads(r.kind, r.required_tier_id, m.role, p_user))
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

-- Money exactly once ----------------------------------------------------------------------

-- Refunds are rows of their own (append-only: a row is written before Stripe is called and
-- keys the call; its outcome is recorded on it), keyed by Stripe's id once known. A
-- payment's refunded_amount and status are derived from them (parley_payment_refresh).
CREATE TABLE refunds (
    id uuid PRIMARY KEY,
    payment_id uuid NOT NULL REFERENCES payments(id),
    amount bigint NOT NULL CHECK (amount > 0),
    currency text NOT NULL CHECK (currency ~ '^[a-z]{3}$'),
    -- requested: by the payee or an admin; duplicate, undeliverable, amount_mismatch: money
    -- that arrived with nothing to deliver, sent back automatically; external: made in
    -- Stripe's dashboard (learnt from its event)
    reason text NOT NULL CHECK (reason IN ('requested', 'duplicate', 'undeliverable', 'amount_mismatch', 'external')),
    status text NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed')),
    stripe_refund_id text UNIQUE,
    requested_by uuid REFERENCES users(id),
    failure text,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX refunds_payment ON refunds (payment_id, created_at);
INSERT INTO refunds (id, payment_id, amount, currency, reason, status, created_at, updated_at)
SELECT gen_random_uuid(), id, refunded_amount, currency, 'external', 'succeeded', updated_at, updated_at
FROM payments WHERE refunded_amount > 0;

-- Disputes (chargebacks), one row per Stripe dispute, the newest event's state.
CREATE TABLE disputes (
    id uuid PRIMARY KEY,
    payment_id uuid NOT NULL REFERENCES payments(id),
    stripe_dispute_id text NOT NULL UNIQUE,
    amount bigint NOT NULL,
    currency text NOT NULL,
    reason text,
    -- Stripe's: warning_needs_response, warning_under_review, warning_closed, needs_response,
    -- under_review, won, lost
    status text NOT NULL,
    state_at bigint NOT NULL DEFAULT 0,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX disputes_payment ON disputes (payment_id);

-- `undeliverable`: paid, but with nothing to deliver (a duplicate, a deleted subject, another
-- amount than the price): refunded automatically. Kinds whose features have not landed go.
ALTER TABLE payments DROP CONSTRAINT payments_status_check;
ALTER TABLE payments ADD CONSTRAINT payments_status_check CHECK (status IN
    ('pending', 'succeeded', 'failed', 'refunded', 'partially_refunded', 'undeliverable'));
ALTER TABLE payments DROP CONSTRAINT payments_kind_check;
ALTER TABLE payments ADD CONSTRAINT payments_kind_check CHECK (kind IN ('tip', 'ppv', 'subscription_invoice'));

-- At most one open or delivered purchase of one thing per payer: a second checkout hands
-- out the first. (Pending duplicates from before are closed first.)
UPDATE payments p SET status = 'failed', failure = 'a duplicate of an earlier purchase'
WHERE p.status = 'pending' AND p.subject_id IS NOT NULL AND p.kind = 'ppv' AND EXISTS (
    SELECT 1 FROM payments q WHERE q.payer_id = p.payer_id AND q.kind = p.kind AND q.subject_id = p.subject_id
      AND q.status IN ('pending', 'succeeded', 'partially_refunded') AND q.id < p.id);
CREATE UNIQUE INDEX payments_one_purchase ON payments (payer_id, kind, subject_id)
    WHERE kind = 'ppv' AND subject_id IS NOT NULL AND status IN ('pending', 'succeeded', 'partially_refunded');

-- At most one subscription per fan and tier that is starting or grants access.
UPDATE subscriptions s SET status = 'incomplete_expired'
WHERE s.status = 'incomplete' AND EXISTS (
    SELECT 1 FROM subscriptions t WHERE t.fan_id = s.fan_id AND t.tier_id = s.tier_id
      AND t.status IN ('incomplete', 'trialing', 'active', 'past_due') AND t.id > s.id);
CREATE UNIQUE INDEX subscriptions_one_per_tier ON subscriptions (fan_id, tier_id)
    WHERE status IN ('incomplete', 'trialing', 'active', 'past_due');

-- A Price is created under an id stored before the call (a retry after a lost answer reuses
-- it; an earlier price set again gets a new one, never an archived Price).
ALTER TABLE creator_tiers ADD COLUMN price_request jsonb;

-- A payment's refunded total and status, from its refund rows and disputes; what it bought
-- is taken back when it is refunded in full or its dispute is lost.
CREATE FUNCTION parley_payment_refresh(p_payment uuid) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    v_refunded bigint;
    v_lost boolean;
BEGIN
    -- One refresh at a time per payment: each then sums what is committed when it runs.
    PERFORM 1 FROM payments WHERE id = p_payment FOR UPDATE;
    SELECT COALESCE(sum(amount), 0) INTO v_refunded
    FROM refunds WHERE payment_id = p_payment AND status = 'succeeded';
    SELECT EXISTS (SELECT 1 FROM disputes WHERE payment_id = p_payment AND status = 'lost') INTO v_lost;
    UPDATE payments SET
        refunded_amount = LEAST(amount, v_refunded),
        status = CASE
            WHEN status NOT IN ('succeeded', 'partially_refunded', 'refunded', 'undeliverable') THEN status
            WHEN v_refunded >= amount THEN 'refunded'
            WHEN status = 'undeliverable' THEN 'undeliverable'
            WHEN v_refunded > 0 THEN 'partially_refunded'
            ELSE 'succeeded' END,
        updated_at = now()
    WHERE id = p_payment;
    DELETE FROM ppv_unlocks u USING payments p
    WHERE p.id = p_payment AND u.payment_id = p.id AND (p.status IN ('refunded', 'undeliverable') OR v_lost);
END;
$$;

-- Idempotency-Key on the POSTs that move money: the first answer, replayed for 24 hours.
CREATE TABLE idempotency_keys (
    user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    key text NOT NULL,
    -- SHA-256 of method, path and body: the same key with another request is refused
    fingerprint text NOT NULL,
    -- null while the first request is being answered
    status smallint,
    response jsonb,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, key)
);
CREATE INDEX idempotency_keys_age ON idempotency_keys (created_at);
