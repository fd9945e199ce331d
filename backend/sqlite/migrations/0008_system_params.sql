-- What a system note says (chat.SystemParams, JSON), so each reader's app
-- writes it in their language; notes written before have their text only.
ALTER TABLE messages ADD COLUMN system_params TEXT;
