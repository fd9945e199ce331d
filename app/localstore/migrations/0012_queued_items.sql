-- An item created offline waits in the outbox like a reply
-- (create_item): item holds the chat.NewItem as JSON; its client id makes
-- the server create it once.
ALTER TABLE outbox ADD COLUMN item TEXT NOT NULL DEFAULT '';
