CREATE TABLE users (
    id               uuid PRIMARY KEY,
    clerk_id         text NOT NULL UNIQUE,
    email            text,
    first_name       text,
    last_name        text,
    display_name     text NOT NULL,
    image_url        text,
    bio              text,
    color            text,
    profile_complete boolean NOT NULL DEFAULT false,
    role             text NOT NULL DEFAULT 'user' CHECK (role IN ('user', 'admin')),
    deleted          boolean NOT NULL DEFAULT false,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now()
);
-- Prefix search by name or e-mail (case-insensitive) with keyset pagination on id.
CREATE INDEX users_display_name_prefix ON users (lower(display_name) text_pattern_ops);
CREATE INDEX users_email_prefix ON users (lower(email) text_pattern_ops);

CREATE TABLE webhook_events (
    id              bigserial PRIMARY KEY,
    svix_id         text NOT NULL UNIQUE,
    event_type      text NOT NULL,
    payload         jsonb NOT NULL,
    status          text NOT NULL DEFAULT 'received' CHECK (status IN ('received', 'processed', 'failed')),
    attempts        integer NOT NULL DEFAULT 0,
    last_error      text,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    processed_at    timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX webhook_events_due ON webhook_events (next_attempt_at) WHERE status = 'received';
