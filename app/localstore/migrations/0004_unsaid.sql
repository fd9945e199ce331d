-- What was unsaid stays unsaid here too: a deleted index entry leaves the
-- index's pages at once (FTS5 secure-delete), and the index is rebuilt from
-- the current text, so no term of an earlier text stays in the file.
INSERT INTO messages_fts (messages_fts, rank) VALUES ('secure-delete', 1);
INSERT INTO messages_fts (messages_fts) VALUES ('rebuild');
