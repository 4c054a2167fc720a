DROP INDEX consents_case;
