-- Attachments: files uploaded by users and customers. An upload waits
-- (message_id NULL) until a message names it; its bytes live in the blob
-- store under content addresses (sha-256 hex).
CREATE TABLE attachments (
	id            TEXT    PRIMARY KEY,
	uploader_kind TEXT    NOT NULL,
	uploader_id   INTEGER NOT NULL,
	message_id    INTEGER REFERENCES messages (id),
	position      INTEGER NOT NULL DEFAULT 0,
	name          TEXT    NOT NULL,
	type          TEXT    NOT NULL,
	size          INTEGER NOT NULL,
	image         INTEGER NOT NULL DEFAULT 0,
	width         INTEGER NOT NULL DEFAULT 0,
	height        INTEGER NOT NULL DEFAULT 0,
	blob          TEXT    NOT NULL,
	thumb_blob    TEXT,
	thumb_type    TEXT,
	created_at    INTEGER NOT NULL
);
CREATE INDEX attachments_message ON attachments (message_id) WHERE message_id IS NOT NULL;
CREATE INDEX attachments_waiting ON attachments (created_at) WHERE message_id IS NULL;
CREATE INDEX attachments_uploader ON attachments (uploader_kind, uploader_id);
CREATE INDEX attachments_blob ON attachments (blob);
CREATE INDEX attachments_thumb_blob ON attachments (thumb_blob) WHERE thumb_blob IS NOT NULL;

-- The message's attachments as clients see them (a JSON array; NULL: none).
ALTER TABLE messages ADD COLUMN attachments TEXT;

-- Blobs whose last attachment went (a delete, an erasure, an upload never
-- sent): the sweeper removes each from the blob store unless an
-- attachment uses it again.
CREATE TABLE released_blobs (
	blob        TEXT    PRIMARY KEY,
	released_at INTEGER NOT NULL
);
