DELETE FROM notification_log WHERE kind = 'message_unlocked';
ALTER TABLE notification_log DROP CONSTRAINT notification_log_kind_check;
ALTER TABLE notification_log ADD CONSTRAINT notification_log_kind_check
    CHECK (kind IN ('notification', 'notifications_read'));
