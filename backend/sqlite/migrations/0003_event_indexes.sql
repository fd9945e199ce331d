-- A visitor's replay reads only its own events (and the few sent to all),
-- not every event since its cursor: 10,000 visitors resuming after a busy
-- hour each scanned the whole log before.
CREATE INDEX events_customer ON events (customer_id, seq) WHERE customer_id IS NOT NULL;
CREATE INDEX events_scope_all ON events (seq) WHERE scope = 'all';
