-- Private notes, saved replies and assignment.

-- Users a message @mentions, as a JSON array of ids (NULL: none).
ALTER TABLE messages ADD COLUMN mentions TEXT;

-- The agent a customer conversation is assigned to (NULL: unassigned).
ALTER TABLE conversations ADD COLUMN assignee_id INTEGER REFERENCES users (id);
CREATE INDEX conversations_assignee ON conversations (assignee_id, status) WHERE assignee_id IS NOT NULL;
-- The queue: open customer conversations nobody is assigned to, oldest first.
CREATE INDEX conversations_queue ON conversations (created_at, id)
	WHERE assignee_id IS NULL AND status = 'open' AND customer_id IS NOT NULL;

-- Saved replies: the team's (owner_id 0) and each user's own.
CREATE TABLE saved_replies (
	id         INTEGER PRIMARY KEY,
	owner_id   INTEGER NOT NULL DEFAULT 0,
	shortcut   TEXT    NOT NULL,
	title      TEXT    NOT NULL,
	text       TEXT    NOT NULL,
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL,
	UNIQUE (owner_id, shortcut)
);
