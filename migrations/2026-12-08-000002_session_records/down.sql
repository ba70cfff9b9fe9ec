DROP TABLE session_notes;
DROP TABLE session_attendance;
