-- Short links (issue 23): our own codes served at /s/{code}, or Bitly's. Clicks are counted
-- in Redis and flushed here in batches, per UTC day.
CREATE TABLE links (
    id uuid PRIMARY KEY,
    owner_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    -- 'local' (served by Parley) or 'bitly'.
    provider text NOT NULL CHECK (provider IN ('local', 'bitly')),
    -- The path segment after the short base (local) or Bitly's back-half.
    code text NOT NULL CHECK (char_length(code) BETWEEN 1 AND 128),
    -- Bitly's id (`bit.ly/abc123`); null for local links.
    external_id text,
    short_url text NOT NULL,
    long_url text NOT NULL CHECK (char_length(long_url) BETWEEN 1 AND 2048),
    -- sha256 of the long URL as given: one link per owner, provider and URL (custom codes aside).
    long_url_hash bytea NOT NULL,
    custom boolean NOT NULL DEFAULT false,
    title text CHECK (char_length(title) <= 200),
    tags text[] NOT NULL DEFAULT '{}',
    expires_at timestamptz,
    click_count bigint NOT NULL DEFAULT 0,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
-- Local codes are unique across everyone (they are public paths).
CREATE UNIQUE INDEX links_local_code ON links (code) WHERE provider = 'local';
-- One Bitly link may be several owners' rows (Bitly answers the same bitlink for the same URL).
CREATE INDEX links_external ON links (provider, external_id) WHERE external_id IS NOT NULL;
CREATE UNIQUE INDEX links_dedupe ON links (owner_id, provider, long_url_hash) WHERE NOT custom;
CREATE INDEX links_owner ON links (owner_id, id);
CREATE INDEX links_tags ON links USING gin (tags);

-- Clicks per link and UTC day, as flushed from Redis.
CREATE TABLE link_clicks (
    link_id uuid NOT NULL REFERENCES links(id) ON DELETE CASCADE,
    day date NOT NULL,
    clicks bigint NOT NULL CHECK (clicks >= 0),
    PRIMARY KEY (link_id, day)
);

-- A flushed batch of clicks: applying one twice (a crash between the commit here and
-- dropping it from Redis) is refused by this key.
CREATE TABLE link_click_batches (
    batch text PRIMARY KEY,
    flushed_at timestamptz NOT NULL DEFAULT now()
);
