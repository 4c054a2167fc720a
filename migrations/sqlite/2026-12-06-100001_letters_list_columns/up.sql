-- A letter's title and date as its list shows them, kept in plain columns so that listing a
-- case's letters (on every view of the case page) needs no decryption. Neither holds personal
-- data: the title is the kind's fixed wording and the date the day of issue. Letters issued
-- before this column have '' and are listed from their sealed text.
ALTER TABLE letters ADD COLUMN list_title TEXT NOT NULL DEFAULT '';
ALTER TABLE letters ADD COLUMN list_date TEXT NOT NULL DEFAULT '';
