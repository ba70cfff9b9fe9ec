ALTER TABLE webhook_events
    ADD COLUMN status text NOT NULL DEFAULT 'received' CHECK (status IN ('received', 'processed', 'failed')),
    ADD COLUMN attempts integer NOT NULL DEFAULT 0,
    ADD COLUMN last_error text,
    ADD COLUMN next_attempt_at timestamptz NOT NULL DEFAULT now(),
    ADD COLUMN processed_at timestamptz,
    ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now();
UPDATE webhook_events w
SET status = CASE j.status WHEN 'queued' THEN 'received' WHEN 'done' THEN 'processed' ELSE 'failed' END,
    attempts = j.attempts, last_error = j.last_error, next_attempt_at = j.run_at,
    processed_at = j.finished_at, updated_at = j.updated_at
FROM jobs j
WHERE j.kind = 'clerk.webhook' AND j.payload->>'webhook_event_id' = w.id::text;
CREATE INDEX webhook_events_due ON webhook_events (next_attempt_at) WHERE status = 'received';
DROP TABLE jobs;
