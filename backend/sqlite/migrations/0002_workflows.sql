-- Helpdesk workflows: tickets and tasks (items) linked to conversations,
-- internal system notes, settings, full-text search and user time zones.

ALTER TABLE users ADD COLUMN time_zone TEXT NOT NULL DEFAULT '';

-- Client message ids are the author's: two authors may pick the same one.
DROP INDEX messages_client;
CREATE UNIQUE INDEX messages_client ON messages (conversation_id, author_kind, author_id, client_id) WHERE client_id IS NOT NULL;

-- The message a conversation was started with, for idempotent repeats.
ALTER TABLE conversations ADD COLUMN first_message_id INTEGER;

-- Internal messages (link notes) are for the team, never for the customer.
ALTER TABLE messages ADD COLUMN internal INTEGER NOT NULL DEFAULT 0 CHECK (internal IN (0, 1));

CREATE TABLE items (
	id           INTEGER PRIMARY KEY, -- the item's number (#id)
	type         TEXT    NOT NULL CHECK (type IN ('ticket', 'task')),
	title        TEXT    NOT NULL,
	description  TEXT    NOT NULL DEFAULT '',
	status       TEXT    NOT NULL CHECK (status IN ('new', 'open', 'in_progress', 'resolved', 'closed')),
	priority     TEXT    NOT NULL CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
	requester_id INTEGER REFERENCES customers (id),
	creator_id   INTEGER NOT NULL REFERENCES users (id),
	created_at   INTEGER NOT NULL,
	updated_at   INTEGER NOT NULL
);

-- Who is involved in an item, and how. Creator, assignees and followers
-- all bring the item's conversations into their My Conversations.
CREATE TABLE item_people (
	item_id INTEGER NOT NULL REFERENCES items (id) ON DELETE CASCADE,
	user_id INTEGER NOT NULL REFERENCES users (id),
	role    TEXT    NOT NULL CHECK (role IN ('creator', 'assignee', 'follower')),
	PRIMARY KEY (item_id, user_id, role)
) WITHOUT ROWID;
CREATE INDEX item_people_user ON item_people (user_id, item_id);

-- A conversation links to at most one item; an item has many conversations.
ALTER TABLE conversations ADD COLUMN item_id INTEGER REFERENCES items (id);
CREATE INDEX conversations_item ON conversations (item_id) WHERE item_id IS NOT NULL;

-- Settings: one JSON value per key (helpdesk switch, widget texts, origins…).
CREATE TABLE settings (
	key        TEXT PRIMARY KEY,
	value      TEXT    NOT NULL,
	updated_at INTEGER NOT NULL
) WITHOUT ROWID;

-- Full-text search. External-content tables over the real rows, kept in
-- step by triggers, so an edit or delete updates the index in the same
-- transaction (a deleted message, whose text is blanked, is not found).
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
INSERT INTO messages_fts (messages_fts) VALUES ('rebuild');

CREATE VIRTUAL TABLE customers_fts USING fts5 (name, email, content = 'customers', content_rowid = 'id', tokenize = 'unicode61 remove_diacritics 2');
CREATE TRIGGER customers_fts_insert AFTER INSERT ON customers BEGIN
	INSERT INTO customers_fts (rowid, name, email) VALUES (new.id, new.name, new.email);
END;
CREATE TRIGGER customers_fts_delete AFTER DELETE ON customers BEGIN
	INSERT INTO customers_fts (customers_fts, rowid, name, email) VALUES ('delete', old.id, old.name, old.email);
END;
CREATE TRIGGER customers_fts_update AFTER UPDATE OF name, email ON customers BEGIN
	INSERT INTO customers_fts (customers_fts, rowid, name, email) VALUES ('delete', old.id, old.name, old.email);
	INSERT INTO customers_fts (rowid, name, email) VALUES (new.id, new.name, new.email);
END;
INSERT INTO customers_fts (customers_fts) VALUES ('rebuild');

CREATE VIRTUAL TABLE items_fts USING fts5 (title, content = 'items', content_rowid = 'id', tokenize = 'unicode61 remove_diacritics 2');
CREATE TRIGGER items_fts_insert AFTER INSERT ON items BEGIN
	INSERT INTO items_fts (rowid, title) VALUES (new.id, new.title);
END;
CREATE TRIGGER items_fts_delete AFTER DELETE ON items BEGIN
	INSERT INTO items_fts (items_fts, rowid, title) VALUES ('delete', old.id, old.title);
END;
CREATE TRIGGER items_fts_update AFTER UPDATE OF title ON items BEGIN
	INSERT INTO items_fts (items_fts, rowid, title) VALUES ('delete', old.id, old.title);
	INSERT INTO items_fts (rowid, title) VALUES (new.id, new.title);
END;
