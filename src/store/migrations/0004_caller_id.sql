-- 0004: the number an extension presents on calls out through a trunk ('' = the route's or
-- the trunk's).
ALTER TABLE sip_users ADD COLUMN caller_id TEXT NOT NULL DEFAULT '';
