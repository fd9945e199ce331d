-- Core schema: people, sessions, conversations, messages, audit, read state
-- and the ordered event log. Times are Unix milliseconds (UTC).

CREATE TABLE meta (
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL
) WITHOUT ROWID;

-- The epoch names this event log; a client holding a cursor from another
-- epoch (say, a database restored from scratch) must resync.
INSERT INTO meta (key, value) VALUES ('epoch', lower(hex(randomblob(16))));
INSERT INTO meta (key, value) VALUES ('pruned_through', '0');

CREATE TABLE users (
	id            INTEGER PRIMARY KEY,
	email         TEXT    NOT NULL UNIQUE,
	name          TEXT    NOT NULL,
	password_hash TEXT    NOT NULL,
	admin         INTEGER NOT NULL DEFAULT 0 CHECK (admin IN (0, 1)),
	support       INTEGER NOT NULL DEFAULT 0 CHECK (support IN (0, 1)),
	active        INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
	created_at    INTEGER NOT NULL
);

CREATE TABLE customers (
	id         INTEGER PRIMARY KEY,
	name       TEXT    NOT NULL DEFAULT '',
	email      TEXT    NOT NULL DEFAULT '',
	first_seen INTEGER NOT NULL,
	last_seen  INTEGER NOT NULL,
	page_url   TEXT    NOT NULL DEFAULT '',
	browser    TEXT    NOT NULL DEFAULT '',
	language   TEXT    NOT NULL DEFAULT '',
	time_zone  TEXT    NOT NULL DEFAULT ''
);

CREATE TABLE sessions (
	id          INTEGER PRIMARY KEY,
	token_hash  BLOB    NOT NULL UNIQUE,
	user_id     INTEGER REFERENCES users (id) ON DELETE CASCADE,
	customer_id INTEGER REFERENCES customers (id) ON DELETE CASCADE,
	created_at  INTEGER NOT NULL,
	expires_at  INTEGER NOT NULL,
	CHECK ((user_id IS NULL) <> (customer_id IS NULL))
);
CREATE INDEX sessions_user ON sessions (user_id) WHERE user_id IS NOT NULL;
CREATE INDEX sessions_expiry ON sessions (expires_at);

CREATE TABLE conversations (
	id               INTEGER PRIMARY KEY,
	kind             TEXT    NOT NULL CHECK (kind IN ('customer', 'team')),
	status           TEXT    NOT NULL CHECK (status IN ('open', 'closed')),
	customer_id      INTEGER REFERENCES customers (id),
	creator_kind     TEXT    NOT NULL,
	creator_id       INTEGER NOT NULL,
	client_id        TEXT,
	created_at       INTEGER NOT NULL,
	last_activity_at INTEGER NOT NULL,
	closed_at        INTEGER,
	last_message_id  INTEGER,
	CHECK ((kind = 'customer') = (customer_id IS NOT NULL))
);
-- Idempotent creation: one conversation per creator and client id.
CREATE UNIQUE INDEX conversations_client ON conversations (creator_kind, creator_id, client_id)
	WHERE client_id IS NOT NULL;
CREATE INDEX conversations_activity ON conversations (status, last_activity_at DESC, id DESC);
CREATE INDEX conversations_customer ON conversations (customer_id) WHERE customer_id IS NOT NULL;

CREATE TABLE participants (
	conversation_id INTEGER NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
	user_id         INTEGER NOT NULL REFERENCES users (id),
	added_at        INTEGER NOT NULL,
	PRIMARY KEY (conversation_id, user_id)
) WITHOUT ROWID;
CREATE INDEX participants_user ON participants (user_id, conversation_id);

CREATE TABLE messages (
	id              INTEGER PRIMARY KEY,
	conversation_id INTEGER NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
	author_kind     TEXT    NOT NULL CHECK (author_kind IN ('user', 'customer', 'system')),
	author_id       INTEGER,
	text            TEXT    NOT NULL,
	system          TEXT,
	client_id       TEXT,
	created_at      INTEGER NOT NULL,
	edited_at       INTEGER,
	deleted_at      INTEGER
);
-- Idempotent send: one message per conversation and client id.
CREATE UNIQUE INDEX messages_client ON messages (conversation_id, client_id) WHERE client_id IS NOT NULL;
CREATE INDEX messages_conversation ON messages (conversation_id, id);

CREATE TABLE message_audit (
	id         INTEGER PRIMARY KEY,
	message_id INTEGER NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
	action     TEXT    NOT NULL CHECK (action IN ('edit', 'delete')),
	actor_kind TEXT    NOT NULL,
	actor_id   INTEGER NOT NULL,
	actor_name TEXT    NOT NULL,
	old_text   TEXT    NOT NULL,
	new_text   TEXT    NOT NULL,
	at         INTEGER NOT NULL
);
CREATE INDEX message_audit_message ON message_audit (message_id, id);

CREATE TABLE read_state (
	user_id              INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	conversation_id      INTEGER NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
	last_read_message_id INTEGER NOT NULL,
	updated_at           INTEGER NOT NULL,
	PRIMARY KEY (user_id, conversation_id)
) WITHOUT ROWID;

-- The ordered event log. AUTOINCREMENT so a sequence number is never
-- reused, even after the newest events are pruned.
CREATE TABLE events (
	seq             INTEGER PRIMARY KEY AUTOINCREMENT,
	type            TEXT    NOT NULL,
	scope           TEXT    NOT NULL,
	conversation_id INTEGER,
	customer_id     INTEGER,
	user_id         INTEGER,
	data            TEXT    NOT NULL,
	created_at      INTEGER NOT NULL
);
