-- Conversations keep their linked item by number only (items holds its
-- title): a title changed since must not stay in a conversation's copy.
UPDATE conversations SET data = json_remove(data, '$.item') WHERE json_extract(data, '$.item') IS NOT NULL;
