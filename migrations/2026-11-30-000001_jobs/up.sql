-- One durable jobs queue for every background duty (Clerk webhooks now; payments, exports,
-- pushes and persona replies later). Workers claim due jobs with FOR UPDATE SKIP LOCKED.
CREATE TABLE jobs (
    id           bigserial PRIMARY KEY,
    kind         text NOT NULL,
    payload      jsonb NOT NULL,
    dedupe_key   text UNIQUE,
    status       text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'done', 'failed')),
    attempts     integer NOT NULL DEFAULT 0,
    max_attempts integer NOT NULL DEFAULT 8 CHECK (max_attempts > 0),
    last_error   text,
    run_at       timestamptz NOT NULL DEFAULT now(),
    finished_at  timestamptz,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX jobs_due ON jobs (run_at, id) WHERE status = 'queued';

-- Clerk deliveries stay in webhook_events (what Svix sent, once per svix-id); how far their
-- processing got moves to the job that applies each one.
INSERT INTO jobs (kind, payload, dedupe_key, status, attempts, last_error, run_at, finished_at, created_at, updated_at)
SELECT 'clerk.webhook', jsonb_build_object('webhook_event_id', id), 'clerk.webhook:' || svix_id,
       CASE status WHEN 'received' THEN 'queued' WHEN 'processed' THEN 'done' ELSE 'failed' END,
       attempts, last_error, next_attempt_at, processed_at, created_at, updated_at
FROM webhook_events;

DROP INDEX webhook_events_due;
ALTER TABLE webhook_events
    DROP COLUMN status,
    DROP COLUMN attempts,
    DROP COLUMN last_error,
    DROP COLUMN next_attempt_at,
    DROP COLUMN processed_at,
    DROP COLUMN updated_at;
