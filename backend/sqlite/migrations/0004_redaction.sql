-- What was unsaid stays unsaid: an edit, a delete or an erasure rewrites
-- every stored copy of the text, the event log included.

-- Which message and which item an event's data carries a copy of
-- (chat.Carries), so a redaction finds every copy through an index.
ALTER TABLE events ADD COLUMN message_id INTEGER;
ALTER TABLE events ADD COLUMN item_id INTEGER;
UPDATE events SET message_id = CASE
		WHEN type IN ('message.created', 'message.edited', 'message.deleted') THEN json_extract(data, '$.id')
		WHEN type = 'conversation.participant_added' THEN json_extract(data, '$.conversation.last_message.id')
		WHEN type LIKE 'conversation.%' THEN json_extract(data, '$.last_message.id')
	END,
	item_id = CASE
		WHEN type IN ('item.created', 'item.updated') THEN json_extract(data, '$.number')
		WHEN type = 'conversation.participant_added' THEN json_extract(data, '$.conversation.item.number')
		WHEN type LIKE 'conversation.%' THEN json_extract(data, '$.item.number')
	END;
CREATE INDEX events_message ON events (message_id) WHERE message_id IS NOT NULL;
CREATE INDEX events_item ON events (item_id) WHERE item_id IS NOT NULL;

-- A stripped event (redacted = 1) holds no copy of a message's text or a
-- customer's details: reading it fills them from the current rows. Edits
-- and deletes made before this migration left their earlier text in the
-- log: those events are stripped now.
ALTER TABLE events ADD COLUMN redacted INTEGER NOT NULL DEFAULT 0 CHECK (redacted IN (0, 1));
UPDATE events SET redacted = 1, data = CASE
		WHEN type IN ('message.created', 'message.edited', 'message.deleted') THEN json_set(data, '$.text', '')
		WHEN type = 'conversation.participant_added' THEN json_set(data, '$.conversation.last_message.text', '')
		ELSE json_set(data, '$.last_message.text', '')
	END
	WHERE message_id IN (SELECT id FROM messages WHERE edited_at IS NOT NULL OR deleted_at IS NOT NULL)
	AND (type LIKE 'message.%' OR type LIKE 'conversation.%');
-- An item event is found by its requester too (an erasure strips their
-- name from every copy); its scope is the team's, so customer_id does not
-- change who receives it.
UPDATE events SET customer_id = json_extract(data, '$.requester.id')
	WHERE type IN ('item.created', 'item.updated') AND json_extract(data, '$.requester.id') IS NOT NULL;

-- Erasure (the right to erasure): the customer and their conversations
-- stay, marked; the record of each erasure names only the admin.
ALTER TABLE customers ADD COLUMN erased_at INTEGER;
ALTER TABLE conversations ADD COLUMN erased_at INTEGER;
CREATE TABLE customer_erasures (
	customer_id   INTEGER PRIMARY KEY REFERENCES customers (id),
	actor_id      INTEGER NOT NULL,
	actor_name    TEXT    NOT NULL,
	at            INTEGER NOT NULL,
	conversations INTEGER NOT NULL,
	messages      INTEGER NOT NULL
);

-- Where an item was made from (its proposal's conversation), so an erasure
-- finds the transcript items made before this version copied, linked or
-- not; and the message its title was proposed from, so an edit, a delete or
-- an erasure of that message changes the title too (until the team writes
-- a title of its own).
ALTER TABLE items ADD COLUMN source_conversation_id INTEGER;
UPDATE items SET source_conversation_id = (SELECT MIN(c.id) FROM conversations c WHERE c.item_id = items.id);
CREATE INDEX items_source ON items (source_conversation_id) WHERE source_conversation_id IS NOT NULL;
ALTER TABLE items ADD COLUMN title_message_id INTEGER;
CREATE INDEX items_title_message ON items (title_message_id) WHERE title_message_id IS NOT NULL;
-- Items made before this version may hold copies of a conversation (a
-- transcript, a proposed title); an erasure looks for those in them only.
ALTER TABLE items ADD COLUMN legacy INTEGER NOT NULL DEFAULT 0 CHECK (legacy IN (0, 1));
UPDATE items SET legacy = 1;

-- Who caused a system note (a close, a reopen, a link), so an erasure
-- rewrites the customer's own notes and nobody else's.
ALTER TABLE messages ADD COLUMN actor_kind TEXT;
ALTER TABLE messages ADD COLUMN actor_id INTEGER;

-- Full-text indexes again, with the bidi controls as separators (the
-- separators string below holds, invisibly, U+202A-U+202E, U+2066-U+2069,
-- U+200E, U+200F and U+061C): the
-- product isolates names in notes (U+2068 ... U+2069) and unicode61 would
-- glue them to the first and last word ("⁨anna"). Deleted entries leave
-- the index pages at once (FTS5 secure-delete), and the indexes are built
-- from the current text, so no term of an earlier text stays in the file.
DROP TRIGGER messages_fts_insert;
DROP TRIGGER messages_fts_delete;
DROP TRIGGER messages_fts_update;
DROP TABLE messages_fts;
CREATE VIRTUAL TABLE messages_fts USING fts5 (text, content = 'messages', content_rowid = 'id',
	tokenize = "unicode61 remove_diacritics 2 separators '‪‫‬‭‮⁦⁧⁨⁩‎‏؜'");
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

DROP TRIGGER customers_fts_insert;
DROP TRIGGER customers_fts_delete;
DROP TRIGGER customers_fts_update;
DROP TABLE customers_fts;
CREATE VIRTUAL TABLE customers_fts USING fts5 (name, email, content = 'customers', content_rowid = 'id',
	tokenize = "unicode61 remove_diacritics 2 separators '‪‫‬‭‮⁦⁧⁨⁩‎‏؜'");
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

DROP TRIGGER items_fts_insert;
DROP TRIGGER items_fts_delete;
DROP TRIGGER items_fts_update;
DROP TABLE items_fts;
CREATE VIRTUAL TABLE items_fts USING fts5 (title, content = 'items', content_rowid = 'id',
	tokenize = "unicode61 remove_diacritics 2 separators '‪‫‬‭‮⁦⁧⁨⁩‎‏؜'");
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

INSERT INTO messages_fts (messages_fts, rank) VALUES ('secure-delete', 1);
INSERT INTO customers_fts (customers_fts, rank) VALUES ('secure-delete', 1);
INSERT INTO items_fts (items_fts, rank) VALUES ('secure-delete', 1);
INSERT INTO messages_fts (messages_fts) VALUES ('rebuild');
INSERT INTO customers_fts (customers_fts) VALUES ('rebuild');
INSERT INTO items_fts (items_fts) VALUES ('rebuild');
