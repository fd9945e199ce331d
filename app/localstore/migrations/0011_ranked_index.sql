-- Search ranks the whole history (issue 20). Local search scores a match by
-- its length (fts.ShortTextScore: every match holds every word, each counted
-- once, so shorter is better), and the index keeps messages in that order:
-- its rowid is fts_key, the length in words (fts_words, fts.Words) in the
-- high bits, inverted, and the message id in the low 47 bits, so reading a
-- match's rowids downwards gives the shortest first, the newest first among
-- equals, and the best 20 of a million matches cost 20 rows. The mask
-- 140737488355327 below is 2^47 - 1 (localstore.idBits in Go); the store
-- refuses a message id that does not fit.
-- Lengths are capped at 32,767 words (a message holds at most 10,000
-- characters); ids stay below 2^47.
-- A query word is a prefix. FTS5 answers a prefix by merging the doclists
-- of every word it starts, which costs milliseconds for a common word, so
-- the index keeps prefix indexes for words of one and two letters, and
-- vocab lists the index's words: a longer query word becomes an OR of the
-- words it starts. fold is the word as fts.Fold folds it (the key a query
-- word is looked up by), word the word lowercased (what the FTS query
-- names). The statements that change the index keep it: a word no message
-- holds any more (fts_has: spelt so, lowercased) leaves it, so no word of a
-- deleted text stays here (the index's own rows drive that check, a
-- message read per row until one holds the word). An update that leaves the
-- text as it was (a resync) changes nothing here. They count in meta vocab_gen, which tells the
-- store's cache of vocab's words (vocab.go) that it may be out of date.
DROP TABLE messages_vocab;
DROP TRIGGER messages_fts_delete;
DROP TRIGGER messages_fts_update;
DROP TABLE messages_fts;
ALTER TABLE messages ADD COLUMN words INTEGER NOT NULL DEFAULT 0;
UPDATE messages SET words = fts_words(text) WHERE text != '';
ALTER TABLE messages ADD COLUMN fts_key INTEGER AS (((32767 - min(words, 32767)) << 47) | id) VIRTUAL;
CREATE VIRTUAL TABLE messages_fts USING fts5 (text, content = 'messages', content_rowid = 'fts_key', prefix = '1 2', 
	tokenize = "unicode61 remove_diacritics 2 separators '‪‫‬‭‮⁦⁧⁨⁩‎‏؜'");
CREATE TABLE vocab (fold TEXT NOT NULL, word TEXT NOT NULL, PRIMARY KEY (fold, word)) WITHOUT ROWID;
INSERT OR IGNORE INTO vocab (fold, word) SELECT t.value ->> 0, t.value ->> 1 FROM messages m, json_each(fts_terms(m.text)) t WHERE m.text != '';
INSERT INTO meta (key, value) VALUES ('vocab_gen', '0') ON CONFLICT (key) DO UPDATE SET value = '0';
CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
	INSERT INTO messages_fts (messages_fts, rowid, text) VALUES ('delete', old.fts_key, old.text);
	UPDATE meta SET value = value + 1 WHERE key = 'vocab_gen';
	DELETE FROM vocab WHERE (fold, word) IN (SELECT value ->> 0, value ->> 1 FROM json_each(fts_terms(old.text)))
		AND NOT EXISTS (SELECT 1 FROM messages_fts f WHERE messages_fts MATCH '"' || replace(vocab.word, '"', '""') || '"'
			AND fts_has((SELECT text FROM messages WHERE id = (f.rowid & 140737488355327)), vocab.word));
END;
CREATE TRIGGER messages_fts_update AFTER UPDATE OF text, words ON messages WHEN old.text IS NOT new.text OR old.fts_key IS NOT new.fts_key BEGIN
	INSERT INTO messages_fts (messages_fts, rowid, text) VALUES ('delete', old.fts_key, old.text);
	UPDATE meta SET value = value + 1 WHERE key = 'vocab_gen';
	DELETE FROM vocab WHERE (fold, word) IN (SELECT value ->> 0, value ->> 1 FROM json_each(fts_terms(old.text)))
		AND NOT EXISTS (SELECT 1 FROM messages_fts f WHERE messages_fts MATCH '"' || replace(vocab.word, '"', '""') || '"'
			AND fts_has((SELECT text FROM messages WHERE id = (f.rowid & 140737488355327)), vocab.word));
	INSERT INTO messages_fts (rowid, text) VALUES (new.fts_key, new.text);
	INSERT OR IGNORE INTO vocab (fold, word) SELECT value ->> 0, value ->> 1 FROM json_each(fts_terms(new.text));
END;
INSERT INTO messages_fts (messages_fts, rank) VALUES ('secure-delete', 1);
INSERT INTO messages_fts (messages_fts) VALUES ('rebuild');
