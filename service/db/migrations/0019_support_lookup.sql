-- The thank-you page after a disclosure asks whether its submission wrote
-- words the flagger caught that nobody has closed yet (reading.needs_support).
-- With only reading_items_open and reading_items_submission to choose from,
-- PostgreSQL combined the two while its statistics were behind the table (a
-- busy hour, before autovacuum's next analyze) and read every open flagged
-- item of every team to find one: 3,000 index entries and 0.5 ms for 3,000
-- waiting items. This index answers it with the one row, whatever the
-- statistics say.
create index reading_items_support on reading_items (submission_id) where flagged and closed_at is null;
