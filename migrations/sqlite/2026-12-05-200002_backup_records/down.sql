DROP TABLE backup_claims;
DROP TABLE backup_sets;
