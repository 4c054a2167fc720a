-- The day an entry takes effect (docs/fees.md §6): for a payment the day the money arrived, for a
-- refund the day it was paid out, which may be before the day it was typed; for other entries
-- the day recorded (JST). Statistics count money by this day. Earlier rows take their JST day.
ALTER TABLE fee_entries ADD COLUMN value_date DATE;
UPDATE fee_entries SET value_date = (at + interval '9 hours')::date;
CREATE INDEX fee_entries_entry_value_date ON fee_entries (entry, value_date, amount);
