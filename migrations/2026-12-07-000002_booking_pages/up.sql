-- Booking pages (issue 22, first step): hosts' booking types and availability.
CREATE TABLE booking_types (
    id uuid PRIMARY KEY,
    host_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    title text NOT NULL,
    slug text NOT NULL CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
    description text,
    length_minutes integer NOT NULL CHECK (length_minutes BETWEEN 5 AND 720),
    -- free when both are null
    price_amount bigint CHECK (price_amount > 0),
    price_currency text CHECK (price_currency ~ '^[a-z]{3}$'),
    buffer_before_minutes integer NOT NULL DEFAULT 0 CHECK (buffer_before_minutes BETWEEN 0 AND 240),
    buffer_after_minutes integer NOT NULL DEFAULT 0 CHECK (buffer_after_minutes BETWEEN 0 AND 240),
    minimum_notice_minutes integer NOT NULL DEFAULT 0 CHECK (minimum_notice_minutes BETWEEN 0 AND 43200),
    window_days integer NOT NULL DEFAULT 60 CHECK (window_days BETWEEN 1 AND 365),
    slot_interval_minutes integer NOT NULL CHECK (slot_interval_minutes BETWEEN 5 AND 720),
    max_per_day integer CHECK (max_per_day BETWEEN 1 AND 100),
    requires_confirmation boolean NOT NULL DEFAULT false,
    -- full refund until this many hours before the start, none after (null: no refunds)
    refund_until_hours integer CHECK (refund_until_hours BETWEEN 0 AND 720),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (host_id, slug),
    CHECK ((price_amount IS NULL) = (price_currency IS NULL))
);

-- One schedule per host: weekly wall-clock rules and date overrides in an IANA zone,
-- stored as the API gives them (`[{day, start, end}]`, `[{date, ranges}]`).
CREATE TABLE availability (
    host_id uuid PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    time_zone text NOT NULL,
    weekly jsonb NOT NULL DEFAULT '[]'::jsonb,
    overrides jsonb NOT NULL DEFAULT '[]'::jsonb,
    updated_at timestamptz NOT NULL DEFAULT now()
);
