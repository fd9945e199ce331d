-- Rate-limit buckets shared by every node of the helpdesk (Store.Take):
-- one row per key holding its theoretical arrival time (GCRA), in Unix
-- milliseconds. Rows whose time has passed are full buckets and are swept.
CREATE TABLE rate_limits (
	key TEXT   PRIMARY KEY,
	tat BIGINT NOT NULL
);
CREATE INDEX rate_limits_tat ON rate_limits (tat);
