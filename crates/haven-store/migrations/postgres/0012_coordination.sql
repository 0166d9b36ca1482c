-- Care coordination (issue 14 §3, §4, §6): the day list reads the planned contacts of a day
-- or two across the practice, and the coded patient lists find everyone with an active entry
-- of one kind. Both are a range of this index instead of a scan of every entry.
CREATE INDEX entries_kind_date ON entries (kind, entry_date);
