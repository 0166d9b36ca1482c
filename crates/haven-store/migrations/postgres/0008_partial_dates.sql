-- Dates known only to the year or the month (see SQLite's 0008). NULL: the date is a whole day.
ALTER TABLE entries ADD COLUMN partial_date TEXT COLLATE "C";
ALTER TABLE entry_history ADD COLUMN partial_date TEXT COLLATE "C";
