DROP TABLE letter_counters;
DROP TABLE letters;
