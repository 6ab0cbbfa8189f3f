-- The relay opens one connection per terminal (README "Uplink"): it reads
-- each terminal's queue (outbox.key is the MN) in id order, and finds which
-- terminals have frames waiting, without scanning the whole queue.
CREATE INDEX outbox_pending_key ON outbox(target, key, id) WHERE sent_at = 0;
