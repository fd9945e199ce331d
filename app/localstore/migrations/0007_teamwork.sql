-- Private notes, saved replies and assignment, kept for offline review.

-- A private note or internal system note: never the list's last message.
ALTER TABLE messages ADD COLUMN internal INTEGER NOT NULL DEFAULT 0;
UPDATE messages SET internal = 1 WHERE json_extract(data, '$.internal') = 1;

-- The agent a conversation is assigned to (NULL: unassigned).
ALTER TABLE conversations ADD COLUMN assignee_id INTEGER;

-- The team's saved replies (owner_id 0) and mine.
CREATE TABLE saved_replies (id INTEGER PRIMARY KEY, shortcut TEXT NOT NULL, data TEXT NOT NULL);

-- A queued reply may be a private note with mentions.
ALTER TABLE outbox ADD COLUMN internal INTEGER NOT NULL DEFAULT 0;
ALTER TABLE outbox ADD COLUMN mentions TEXT NOT NULL DEFAULT '';

-- Events of these kinds were skipped before this version (and assignees
-- dropped from conversations): replay the log from its start once.
-- Applying an event twice is harmless; the outbox stays.
UPDATE meta SET value = '0' WHERE key = 'cursor';
