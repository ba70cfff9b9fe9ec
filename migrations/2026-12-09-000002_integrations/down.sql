DROP TABLE session_exports;
DROP TABLE integrations;
