-- Dates known only to the year or the month, as other systems record them (issue 12 §3).
-- An entry keeps its date as its source gave it ('2019', '2019-04'); `entry_date` and the
-- entry's data hold the day the rules read for it. NULL: the date is a whole day.
ALTER TABLE entries ADD COLUMN partial_date TEXT;
ALTER TABLE entry_history ADD COLUMN partial_date TEXT;

-- Patients' `birth_date` column holds the date as recorded ('1988', '1988-04' or a whole
-- date), which sorts and compares as text the same way. Nothing to change in the rows.
