-- Live sessions' records (issue 22): attendance intervals and notes.
CREATE TABLE session_attendance (
    id bigserial PRIMARY KEY,
    session_id uuid NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    joined_at timestamptz NOT NULL,
    left_at timestamptz,
    CHECK (left_at IS NULL OR left_at >= joined_at)
);
-- At most one open interval per participant.
CREATE UNIQUE INDEX session_attendance_open ON session_attendance (session_id, user_id) WHERE left_at IS NULL;
CREATE INDEX session_attendance_session ON session_attendance (session_id, user_id, joined_at);

CREATE TABLE session_notes (
    id uuid PRIMARY KEY,
    session_id uuid NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    author_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind text NOT NULL CHECK (kind IN ('note', 'action_item', 'decision', 'highlight')),
    body text NOT NULL CHECK (char_length(body) BETWEEN 1 AND 4000),
    visibility text NOT NULL CHECK (visibility IN ('shared', 'private')),
    done boolean NOT NULL DEFAULT false,
    -- The client's key: a repeated create answers the first note.
    client_note_id text,
    created_at timestamptz NOT NULL DEFAULT now(),
    edited_at timestamptz,
    UNIQUE (author_id, client_note_id)
);
CREATE INDEX session_notes_session ON session_notes (session_id, id);
