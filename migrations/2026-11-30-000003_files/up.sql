-- Uploaded files: the bytes live in the object store under a generated key; everything
-- about them lives here. An upload stays `uploaded` until something uses it (attachments,
-- avatars, logos, notes come next); unused uploads are swept after a day.
CREATE TABLE files (
    id             uuid PRIMARY KEY,
    owner_id       uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    purpose        text NOT NULL CHECK (purpose IN ('attachment', 'avatar', 'room_logo', 'note')),
    -- As the client named it, for display only (never part of a key or a path).
    name           text NOT NULL,
    -- Decided from the bytes, never from the client.
    content_type   text NOT NULL,
    size           bigint NOT NULL CHECK (size > 0),
    sha256         text NOT NULL,
    width          integer,
    height         integer,
    status         text NOT NULL DEFAULT 'uploaded' CHECK (status IN ('uploaded', 'attached')),
    object_key     text NOT NULL UNIQUE,
    download_count bigint NOT NULL DEFAULT 0,
    created_at     timestamptz NOT NULL DEFAULT now(),
    attached_at    timestamptz
);
CREATE INDEX files_owner ON files (owner_id);
CREATE INDEX files_unattached ON files (created_at) WHERE status = 'uploaded';
