-- Per-term document counts for ranking local search in Go (backend/fts).
CREATE VIRTUAL TABLE messages_vocab USING fts5vocab (messages_fts, 'row');
