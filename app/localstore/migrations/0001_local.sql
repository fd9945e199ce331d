-- The desktop app's own copy of everything the signed-in user may see,
-- plus the sync cursor and the outbox. Rows keep the server's JSON (data)
-- next to the columns queries need, so a newer server field is never lost.

CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;

CREATE TABLE users (id INTEGER PRIMARY KEY, data TEXT NOT NULL);
CREATE TABLE customers (id INTEGER PRIMARY KEY, data TEXT NOT NULL);

CREATE TABLE conversations (
	id               INTEGER PRIMARY KEY,
	kind             TEXT    NOT NULL,
	status           TEXT    NOT NULL,
	customer_id      INTEGER,
	item_number      INTEGER,
	last_activity_at INTEGER NOT NULL,
	participant      INTEGER NOT NULL DEFAULT 0, -- I take part (wrote or was added)
	data             TEXT    NOT NULL
);
CREATE INDEX conversations_list ON conversations (status, last_activity_at DESC, id DESC);

CREATE TABLE messages (
	id              INTEGER PRIMARY KEY,
	conversation_id INTEGER NOT NULL,
	author_kind     TEXT    NOT NULL,
	author_id       INTEGER NOT NULL,
	system          TEXT    NOT NULL DEFAULT '',
	text            TEXT    NOT NULL,
	deleted         INTEGER NOT NULL DEFAULT 0,
	data            TEXT    NOT NULL
);
CREATE INDEX messages_conversation ON messages (conversation_id, id);

CREATE VIRTUAL TABLE messages_fts USING fts5 (text, content = 'messages', content_rowid = 'id', tokenize = 'unicode61 remove_diacritics 2');
CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN
	INSERT INTO messages_fts (rowid, text) VALUES (new.id, new.text);
END;
CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
	INSERT INTO messages_fts (messages_fts, rowid, text) VALUES ('delete', old.id, old.text);
END;
CREATE TRIGGER messages_fts_update AFTER UPDATE OF text ON messages BEGIN
	INSERT INTO messages_fts (messages_fts, rowid, text) VALUES ('delete', old.id, old.text);
	INSERT INTO messages_fts (rowid, text) VALUES (new.id, new.text);
END;

CREATE TABLE items (number INTEGER PRIMARY KEY, data TEXT NOT NULL);
-- Who is involved in an item (creator, assignees, followers).
CREATE TABLE item_people (item_number INTEGER NOT NULL, user_id INTEGER NOT NULL, PRIMARY KEY (item_number, user_id)) WITHOUT ROWID;

CREATE TABLE read_state (conversation_id INTEGER PRIMARY KEY, last_read_message_id INTEGER NOT NULL);
CREATE TABLE settings (key TEXT PRIMARY KEY, data TEXT NOT NULL) WITHOUT ROWID;

-- Commands made while offline, sent in order when the connection returns.
CREATE TABLE outbox (
	seq             INTEGER PRIMARY KEY AUTOINCREMENT,
	client_id       TEXT    NOT NULL UNIQUE,
	kind            TEXT    NOT NULL, -- send, edit, delete, close, reopen, read
	conversation_id INTEGER NOT NULL DEFAULT 0,
	message_id      INTEGER NOT NULL DEFAULT 0,
	text            TEXT    NOT NULL DEFAULT '',
	created_at      INTEGER NOT NULL,
	failed          TEXT    NOT NULL DEFAULT ''
);
