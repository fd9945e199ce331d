-- Local search finds customers (name, e-mail) and items (title) as the
-- server does: FTS5 with the messages' tokenizer (prefix terms, no case,
-- no diacritics, bidi controls as separators), kept by triggers from the
-- rows' JSON; secure-delete, so an erased customer's name leaves the file.
CREATE VIRTUAL TABLE people_fts USING fts5 (name, email, tokenize = "unicode61 remove_diacritics 2 separators '‪‫‬‭‮⁦⁧⁨⁩‎‏؜'");
CREATE TRIGGER people_fts_insert AFTER INSERT ON customers BEGIN
	INSERT INTO people_fts (rowid, name, email) VALUES (new.id, COALESCE(json_extract(new.data, '$.name'), ''), COALESCE(json_extract(new.data, '$.email'), ''));
END;
CREATE TRIGGER people_fts_update AFTER UPDATE OF data ON customers BEGIN
	DELETE FROM people_fts WHERE rowid = old.id;
	INSERT INTO people_fts (rowid, name, email) VALUES (new.id, COALESCE(json_extract(new.data, '$.name'), ''), COALESCE(json_extract(new.data, '$.email'), ''));
END;
CREATE TRIGGER people_fts_delete AFTER DELETE ON customers BEGIN
	DELETE FROM people_fts WHERE rowid = old.id;
END;
INSERT INTO people_fts (people_fts, rank) VALUES ('secure-delete', 1);
INSERT INTO people_fts (rowid, name, email)
	SELECT id, COALESCE(json_extract(data, '$.name'), ''), COALESCE(json_extract(data, '$.email'), '') FROM customers;

CREATE VIRTUAL TABLE items_fts USING fts5 (title, tokenize = "unicode61 remove_diacritics 2 separators '‪‫‬‭‮⁦⁧⁨⁩‎‏؜'");
CREATE TRIGGER items_fts_insert AFTER INSERT ON items BEGIN
	INSERT INTO items_fts (rowid, title) VALUES (new.number, COALESCE(json_extract(new.data, '$.title'), ''));
END;
CREATE TRIGGER items_fts_update AFTER UPDATE OF data ON items BEGIN
	DELETE FROM items_fts WHERE rowid = old.number;
	INSERT INTO items_fts (rowid, title) VALUES (new.number, COALESCE(json_extract(new.data, '$.title'), ''));
END;
CREATE TRIGGER items_fts_delete AFTER DELETE ON items BEGIN
	DELETE FROM items_fts WHERE rowid = old.number;
END;
INSERT INTO items_fts (items_fts, rank) VALUES ('secure-delete', 1);
INSERT INTO items_fts (rowid, title) SELECT number, COALESCE(json_extract(data, '$.title'), '') FROM items;
