ALTER TABLE decisions DROP COLUMN scope;
