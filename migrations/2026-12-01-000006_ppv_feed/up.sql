-- A user's feed also says when a pay-per-view message is open to them: bought, or edited
-- after they bought it (`message_unlocked`: ids and the message's seq, never its body).
ALTER TABLE notification_log DROP CONSTRAINT notification_log_kind_check;
ALTER TABLE notification_log ADD CONSTRAINT notification_log_kind_check
    CHECK (kind IN ('notification', 'notifications_read', 'message_unlocked'));
