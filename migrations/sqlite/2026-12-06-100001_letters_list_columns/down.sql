ALTER TABLE letters DROP COLUMN list_date;
ALTER TABLE letters DROP COLUMN list_title;
