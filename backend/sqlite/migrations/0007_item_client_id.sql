-- An item made with a client id (the desktop's outbox) is made once per
-- creator: a repeat answers the first (chat.NewItem.ClientID).
ALTER TABLE items ADD COLUMN client_id TEXT;
CREATE UNIQUE INDEX items_client_id ON items (creator_id, client_id) WHERE client_id IS NOT NULL;
