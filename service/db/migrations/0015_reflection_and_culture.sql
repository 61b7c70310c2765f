-- A practitioner's private reflection, and the team culture pulse.
--
-- reflections: entries with four prompts, optionally about whole months of the
-- writer's own family feedback. Private to the writer; shared_with names the
-- one manager who may read it (for supervision). They go with the account.
create table reflections (
    id             bigint generated always as identity primary key,
    staff_id       bigint not null references staff (id) on delete cascade,
    title          text not null check (length(title) between 1 and 200),
    happened       text not null default '' check (length(happened) <= 5000),
    noticed        text not null default '' check (length(noticed) <= 5000),
    think_now      text not null default '' check (length(think_now) <= 5000),
    do_differently text not null default '' check (length(do_differently) <= 5000),
    feedback_from  date check (feedback_from = date_trunc('month', feedback_from)::date),
    feedback_to    date check (feedback_to = date_trunc('month', feedback_to)::date),
    shared_with    bigint references staff (id) on delete set null,
    written_on     date not null default current_date,
    check ((feedback_from is null) = (feedback_to is null) and (feedback_from is null or feedback_from <= feedback_to)),
    check (shared_with is distinct from staff_id)
);
create index reflections_by_writer on reflections (staff_id, id);
create index reflections_by_reader on reflections (shared_with) where shared_with is not null;

-- The culture pulse is answered by staff: a touchpoint and its responses may
-- have the audience 'staff' (surveys/culture-pulse.toml). Families' audiences
-- are unchanged.
-- (0007 made a second responses table, so its constraint's name is looked up, not assumed.)
do $$
declare
    found record;
begin
    for found in
        select c.conrelid::regclass::text as tab, c.conname
        from pg_constraint c
        where c.conrelid in ('touchpoints'::regclass, 'responses'::regclass) and c.contype = 'c'
          and pg_get_constraintdef(c.oid) like '%audience%'
    loop
        execute format('alter table %I drop constraint %I', found.tab, found.conname);
    end loop;
end
$$;
alter table touchpoints add constraint touchpoints_audience_check
    check (audience in ('under8', '8to12', '13to17', 'parent', 'staff'));
alter table responses add constraint responses_audience_check
    check (audience in ('under8', '8to12', '13to17', 'parent', 'staff'));
