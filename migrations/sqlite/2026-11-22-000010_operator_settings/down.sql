DROP TABLE operator_settings;
