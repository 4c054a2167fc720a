DROP TABLE maintenance;
DROP TABLE server_instances;
