-- A link of a conversation to an item made offline waits in the outbox
-- like a reply (link_conversation; 0 unlinks).
ALTER TABLE outbox ADD COLUMN item_number INTEGER NOT NULL DEFAULT 0;
