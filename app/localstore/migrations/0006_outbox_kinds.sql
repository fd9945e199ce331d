-- Outbox kinds take the names the store and the API give the acts.
UPDATE outbox SET kind = CASE kind
	WHEN 'send' THEN 'send_message'
	WHEN 'edit' THEN 'edit_message'
	WHEN 'delete' THEN 'delete_message'
	WHEN 'close' THEN 'close_conversation'
	WHEN 'reopen' THEN 'reopen_conversation'
	WHEN 'read' THEN 'mark_read'
	ELSE kind END;
