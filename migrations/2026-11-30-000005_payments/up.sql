-- Payments: creators' Stripe Connect accounts, Stripe events (stored once per id), one
-- ledger of every money movement, creator tiers and fans' subscriptions, and rooms that
-- require a tier.

CREATE TABLE payout_accounts (
    user_id uuid PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    stripe_account_id text NOT NULL UNIQUE,
    charges_enabled boolean NOT NULL DEFAULT false,
    payouts_enabled boolean NOT NULL DEFAULT false,
    details_submitted boolean NOT NULL DEFAULT false,
    -- requirements.currently_due and disabled_reason, as Stripe last said them
    requirements jsonb NOT NULL DEFAULT '[]'::jsonb,
    disabled_reason text,
    -- `created` of the newest event applied: an older one is ignored
    state_at bigint NOT NULL DEFAULT 0,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE stripe_customers (
    user_id uuid PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    stripe_customer_id text NOT NULL UNIQUE
);

CREATE TABLE stripe_events (
    id text PRIMARY KEY,
    event_type text NOT NULL,
    account text,
    created bigint NOT NULL,
    payload jsonb NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE creator_profiles (
    user_id uuid PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    bio text NOT NULL DEFAULT '',
    show_subscriber_count boolean NOT NULL DEFAULT false,
    updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE creator_tiers (
    id uuid PRIMARY KEY,
    creator_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name text NOT NULL,
    amount bigint NOT NULL CHECK (amount > 0),
    currency text NOT NULL CHECK (currency ~ '^[a-z]{3}$'),
    benefits jsonb NOT NULL DEFAULT '[]'::jsonb,
    trial_days integer NOT NULL DEFAULT 0 CHECK (trial_days BETWEEN 0 AND 730),
    active boolean NOT NULL DEFAULT true,
    stripe_product_id text,
    -- the Price new subscribers get; a price change makes a new one
    stripe_price_id text,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX creator_tiers_creator ON creator_tiers (creator_id, created_at);

CREATE TABLE subscriptions (
    id uuid PRIMARY KEY,
    fan_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    creator_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    tier_id uuid NOT NULL REFERENCES creator_tiers(id),
    -- null until the checkout completes
    stripe_subscription_id text UNIQUE,
    stripe_checkout_session_id text UNIQUE,
    status text NOT NULL DEFAULT 'incomplete' CHECK (status IN
        ('incomplete', 'incomplete_expired', 'trialing', 'active', 'past_due', 'canceled', 'unpaid', 'paused')),
    cancel_at_period_end boolean NOT NULL DEFAULT false,
    current_period_end timestamptz,
    trial_end timestamptz,
    past_due_since timestamptz,
    -- access to the tier's rooms ends then: 9999-12-31 (no end) while trialing or active, the end
    -- of the grace period while past due, the moment it ended otherwise (null: never had it)
    access_until timestamptz,
    state_at bigint NOT NULL DEFAULT 0,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX subscriptions_fan ON subscriptions (fan_id, created_at DESC);
CREATE INDEX subscriptions_tier ON subscriptions (tier_id, fan_id);
CREATE INDEX subscriptions_access ON subscriptions (fan_id, tier_id, access_until);

-- A room only subscribers of a tier (with access) may join and read.
ALTER TABLE rooms ADD COLUMN required_tier_id uuid REFERENCES creator_tiers(id);

CREATE TABLE payments (
    id uuid PRIMARY KEY,
    kind text NOT NULL CHECK (kind IN ('tip', 'ppv', 'subscription_invoice', 'lecture', 'booking')),
    payer_id uuid NOT NULL REFERENCES users(id),
    payee_id uuid NOT NULL REFERENCES users(id),
    payee_account text NOT NULL,
    amount bigint NOT NULL CHECK (amount > 0),
    currency text NOT NULL CHECK (currency ~ '^[a-z]{3}$'),
    fee_amount bigint NOT NULL CHECK (fee_amount >= 0 AND fee_amount <= amount),
    status text NOT NULL DEFAULT 'pending' CHECK (status IN
        ('pending', 'succeeded', 'failed', 'refunded', 'partially_refunded')),
    refunded_amount bigint NOT NULL DEFAULT 0 CHECK (refunded_amount >= 0 AND refunded_amount <= amount),
    -- what was bought: the message (ppv), the subscription (invoice), lecture, booking
    subject_id uuid,
    -- a tip's room and its note to the creator
    room_id uuid REFERENCES rooms(id) ON DELETE SET NULL,
    note text,
    stripe_checkout_session_id text UNIQUE,
    stripe_payment_intent_id text UNIQUE,
    stripe_invoice_id text UNIQUE,
    failure text,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    succeeded_at timestamptz
);
CREATE INDEX payments_payer ON payments (payer_id, id DESC);
CREATE INDEX payments_payee ON payments (payee_id, created_at);

-- Pay-per-view messages: the price and free preview (`{"amount", "currency", "preview"}`)
-- on the message; the body and attachments reach only the author and buyers. The log's
-- events hold the locked form only.
ALTER TABLE messages ADD COLUMN ppv jsonb;

CREATE TABLE ppv_unlocks (
    message_id uuid NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
    user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    payment_id uuid REFERENCES payments(id),
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (message_id, user_id)
);
CREATE INDEX ppv_unlocks_user ON ppv_unlocks (user_id, message_id);

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
            attachment_ids jsonb, attachments jsonb, ppv jsonb)
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
                -- Pay-per-view only from a creator Stripe lets sell.
                WHEN i.ppv IS NOT NULL AND NOT EXISTS (
                    SELECT 1 FROM payout_accounts pa WHERE pa.user_id = i.author_id AND pa.charges_enabled) THEN 'bad_ppv'
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
        INSERT INTO messages (id, room_id, seq, author_id, body, reply_to, client_msg_id, created_at, mentions, attachments, ppv)
        SELECT n.id, n.room_id, n.new_seq, n.author_id, n.body, n.reply_to, n.client_msg_id, n.created_at, n.mentions,
               NULLIF(n.attachments, '[]'::jsonb), n.ppv
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
