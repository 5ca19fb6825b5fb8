-- Documents appended to one file per writer and day (JSON Lines) instead of one file each:
-- an artifact is `bytes` bytes at `byte_offset` in `path`. NULL: the whole file at `path`
-- (documents written before this migration).
ALTER TABLE artifacts ADD COLUMN byte_offset BIGINT;
