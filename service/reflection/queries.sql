-- name: insert_reflection
-- A new entry; $1 writer (staff id), $2 title, $3 what happened, $4 what I noticed, $5 what I think now,
-- $6 what I'll do differently, $7 first month of feedback it is about (or null), $8 last month (or null).
insert into reflections (staff_id, title, happened, noticed, think_now, do_differently, feedback_from, feedback_to)
values ($1, $2, $3, $4, $5, $6, $7, $8)
returning id

-- name: update_reflection
-- Change an entry, only by its writer; $1 entry id, $2 writer, $3..$9 as insert_reflection's $2..$8.
update reflections set title = $3, happened = $4, noticed = $5, think_now = $6, do_differently = $7,
                       feedback_from = $8, feedback_to = $9
where id = $1 and staff_id = $2
returning id

-- name: readable_reflection
-- One entry, only for its writer or the one manager it is shared with (anyone else gets nothing, exactly as for an
-- entry that does not exist); $1 entry id, $2 who asks.
select r.id, r.staff_id, w.display_name as writer_name, r.title, r.happened, r.noticed, r.think_now,
       r.do_differently, r.feedback_from, r.feedback_to, r.shared_with, m.display_name as shared_with_name,
       r.written_on
from reflections r
join staff w on w.id = r.staff_id
left join staff m on m.id = r.shared_with
where r.id = $1 and (r.staff_id = $2 or r.shared_with = $2)

-- name: own_reflections
-- A writer's entries, newest first; $1 writer.
select r.id, r.staff_id, w.display_name as writer_name, r.title, r.happened, r.noticed, r.think_now,
       r.do_differently, r.feedback_from, r.feedback_to, r.shared_with, m.display_name as shared_with_name,
       r.written_on
from reflections r
join staff w on w.id = r.staff_id
left join staff m on m.id = r.shared_with
where r.staff_id = $1
order by r.id desc

-- name: shared_reflections
-- Entries others chose to share with this manager, newest first; $1 the manager.
select r.id, r.staff_id, w.display_name as writer_name, r.title, r.happened, r.noticed, r.think_now,
       r.do_differently, r.feedback_from, r.feedback_to, r.shared_with, m.display_name as shared_with_name,
       r.written_on
from reflections r
join staff w on w.id = r.staff_id
left join staff m on m.id = r.shared_with
where r.shared_with = $1
order by r.id desc

-- name: share_reflection
-- Share an entry with one manager, or stop sharing (null), only by its writer; $1 entry id, $2 writer, $3 manager.
update reflections set shared_with = $3 where id = $1 and staff_id = $2
returning id

-- name: delete_reflection
-- Delete an entry for good, only by its writer; $1 entry id, $2 writer.
delete from reflections where id = $1 and staff_id = $2
returning id

-- name: managers_of
-- The team managers of every team the writer is in (not the writer), whom an entry may be shared with; $1 writer.
select distinct s.id, s.display_name
from team_members mine
join team_members m on m.team_id = mine.team_id and m.role = 'team_manager' and m.staff_id <> mine.staff_id
join staff s on s.id = m.staff_id and not s.disabled
where mine.staff_id = $1
order by s.display_name, s.id
