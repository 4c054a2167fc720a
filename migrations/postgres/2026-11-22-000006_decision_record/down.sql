DROP INDEX decisions_issued;
ALTER TABLE decisions DROP COLUMN grounds;
ALTER TABLE decisions DROP COLUMN due_on;
