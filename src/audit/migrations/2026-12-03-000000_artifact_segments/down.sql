ALTER TABLE artifacts DROP COLUMN byte_offset;
