-- Attachments, kept for offline review: which message carries each file
-- (the file cache serves a file only while a message here still does),
-- and the files a queued reply sends.
CREATE TABLE attachments (
	id         TEXT    PRIMARY KEY,
	message_id INTEGER NOT NULL
);
CREATE INDEX attachments_message ON attachments (message_id);
INSERT OR IGNORE INTO attachments (id, message_id)
	SELECT json_extract(a.value, '$.id'), m.id FROM messages m, json_each(m.data, '$.attachments') a WHERE m.deleted = 0;

-- A queued reply's files: a JSON array of localstore.OutFile.
ALTER TABLE outbox ADD COLUMN files TEXT NOT NULL DEFAULT '';
