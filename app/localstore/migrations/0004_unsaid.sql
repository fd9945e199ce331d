-- What was unsaid stays unsaid here too: a deleted index entry leaves the
-- index's pages at once (FTS5 secure-delete), and the index is built again
-- from the current text, so no term of an earlier text stays in the file.
-- The bidi controls are separators (the separators string below holds,
-- invisibly, U+202A-U+202E, U+2066-U+2069, U+200E, U+200F and U+061C): notes
-- isolate names in U+2068 ... U+2069, which unicode61 would glue to the
-- first and last word.
DROP TABLE messages_vocab;
DROP TRIGGER messages_fts_delete;
DROP TRIGGER messages_fts_update;
DROP TABLE messages_fts;
CREATE VIRTUAL TABLE messages_fts USING fts5 (text, content = 'messages', content_rowid = 'id',
	tokenize = "unicode61 remove_diacritics 2 separators '‪‫‬‭‮⁦⁧⁨⁩‎‏؜'");
CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
	INSERT INTO messages_fts (messages_fts, rowid, text) VALUES ('delete', old.id, old.text);
END;
CREATE TRIGGER messages_fts_update AFTER UPDATE OF text ON messages BEGIN
	INSERT INTO messages_fts (messages_fts, rowid, text) VALUES ('delete', old.id, old.text);
	INSERT INTO messages_fts (rowid, text) VALUES (new.id, new.text);
END;
CREATE VIRTUAL TABLE messages_vocab USING fts5vocab (messages_fts, 'row');
INSERT INTO messages_fts (messages_fts, rank) VALUES ('secure-delete', 1);
INSERT INTO messages_fts (messages_fts) VALUES ('rebuild');
