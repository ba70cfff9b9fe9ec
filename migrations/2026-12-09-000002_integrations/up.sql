-- Outside services a user connects (issue 23): Notion now. Tokens are kept encrypted
-- (AES-256-GCM with SECRETS_KEY; nonce || ciphertext) and never leave the API.
CREATE TABLE integrations (
    user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    provider text NOT NULL CHECK (provider IN ('notion')),
    status text NOT NULL CHECK (status IN ('connected', 'disconnected')),
    access_token bytea,
    refresh_token bytea,
    workspace_name text,
    -- Why it shows as disconnected (a revoked token...).
    problem text,
    connected_at timestamptz,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, provider)
);

-- One export per session, user and target: exporting again replaces the page it made.
CREATE TABLE session_exports (
    id uuid PRIMARY KEY,
    session_id uuid NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    target text NOT NULL CHECK (target IN ('notion')),
    status text NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed')),
    parent_page_id text,
    page_id text,
    page_url text,
    error text,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (session_id, user_id, target)
);
