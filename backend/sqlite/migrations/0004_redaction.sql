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

-- Edits and deletes made before this migration left their earlier text in
-- the log: every copy takes the message's current text now.
UPDATE events SET data = json_set(data, '$.text', (SELECT m.text FROM messages m WHERE m.id = events.message_id))
	WHERE type IN ('message.created', 'message.edited', 'message.deleted')
	AND message_id IN (SELECT id FROM messages WHERE edited_at IS NOT NULL OR deleted_at IS NOT NULL);
UPDATE events SET data = json_set(data, '$.last_message.text', (SELECT m.text FROM messages m WHERE m.id = events.message_id))
	WHERE type LIKE 'conversation.%' AND type <> 'conversation.participant_added'
	AND message_id IN (SELECT id FROM messages WHERE edited_at IS NOT NULL OR deleted_at IS NOT NULL);
UPDATE events SET data = json_set(data, '$.conversation.last_message.text', (SELECT m.text FROM messages m WHERE m.id = events.message_id))
	WHERE type = 'conversation.participant_added'
	AND message_id IN (SELECT id FROM messages WHERE edited_at IS NOT NULL OR deleted_at IS NOT NULL);

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

-- Deleted index entries are removed from the index's pages at once, not
-- only marked (FTS5 secure-delete), and the indexes are rebuilt from the
-- current text, so no term of an earlier text stays in the file.
INSERT INTO messages_fts (messages_fts, rank) VALUES ('secure-delete', 1);
INSERT INTO customers_fts (customers_fts, rank) VALUES ('secure-delete', 1);
INSERT INTO items_fts (items_fts, rank) VALUES ('secure-delete', 1);
INSERT INTO messages_fts (messages_fts) VALUES ('rebuild');
INSERT INTO customers_fts (customers_fts) VALUES ('rebuild');
INSERT INTO items_fts (items_fts) VALUES ('rebuild');
