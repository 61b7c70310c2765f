-- How many days a written answer waited on a device before it reached Heard
-- (answers kept offline by sw.js carry the day they were given): the reading
-- list says so when it is HEARD_OFFLINE_LATE_DAYS or more, so a reader knows
-- the words are older than the day they arrived. Null: the same day.
alter table reading_items add column waited_days integer check (waited_days > 0);
