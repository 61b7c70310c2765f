-- The figures engine (issue 12): who an answer is about is fixed when it is
-- given, every response carries a secret record key for cell-key
-- perturbation, response ids say nothing about arrival order, figures read a
-- monthly rollup, and reviews cover whole calendar months.

-- Random 63-bit ids (from the strong random bits of gen_random_uuid()):
-- neighbouring ids no longer bracket other answers' arrival.
create function heard_random_id() returns bigint language sql volatile as $$
    select ('x' || substr(replace(gen_random_uuid()::text, '-', ''), 17, 16))::bit(64)::bigint
           & 9223372036854775807
$$;

alter table responses
    add column practitioner_id bigint, -- the touchpoint's practitioner when the answer was given (null: none)
    add column contact_kind    text,   -- the touchpoint's contact kind when the answer was given
    add column record_key      smallint check (record_key between 0 and 255); -- secret; never shown or joined on

-- Renumber every response, and everything that points at one, consistently.
create temporary table response_renumbering on commit drop as
select id as old_id, submitted_on, heard_random_id() as new_id from responses;
create index on response_renumbering (old_id);

alter table responses alter column id drop identity;
alter table responses alter column id set default heard_random_id();

update responses r
set id = m.new_id, practitioner_id = t.practitioner_id, contact_kind = t.contact_kind,
    record_key = floor(random() * 256)::smallint
from response_renumbering m, touchpoints t
where r.id = m.old_id and r.submitted_on = m.submitted_on and t.id = r.touchpoint_id;

-- Every table that refers to responses.id, in one list: (table, its column, the
-- column holding the response's submitted_on, or '' when it has none). A table
-- that refers to a response and exists when this runs must be named here.
do $$
declare
    referring constant text[] := array[
        ['free_text_answers',  'response_id', 'submitted_on'],
        ['safeguarding_items', 'response_id', '']
    ];
begin
    for i in 1 .. array_length(referring, 1) loop
        execute format('update %I x set %I = m.new_id from response_renumbering m where x.%I = m.old_id%s',
                       referring[i][1], referring[i][2], referring[i][2],
                       case when referring[i][3] = '' then ''
                            else format(' and x.%I = m.submitted_on', referring[i][3]) end);
    end loop;
end
$$;

alter table responses
    alter column contact_kind set not null,
    alter column record_key set not null,
    alter column record_key set default floor(random() * 256)::smallint;

-- store_response names the attribution in its one statement; anything else
-- that inserts a response (scripts, tests) gets the touchpoint's as it is now.
create function responses_attribution() returns trigger language plpgsql as $$
begin
    if new.contact_kind is null then
        select t.practitioner_id, t.contact_kind into new.practitioner_id, new.contact_kind
        from touchpoints t where t.id = new.touchpoint_id;
    end if;
    return new;
end
$$;
create trigger responses_attribution before insert on responses
    for each row execute function responses_attribution();

-- Monthly counts per atom (touchpoint, practitioner and contact kind at answer
-- time, audience, survey) for months that have ended, with the sum of the
-- responses' record keys, so a coarser cell's key is the sum of its atoms'.
create table figure_month_counts (
    touchpoint_id   bigint not null references touchpoints (id),
    month           date not null, -- the first day
    practitioner_id bigint,
    contact_kind    text not null,
    audience        text not null,
    survey_id       text not null,
    question_id     text not null, -- '' counts responses
    value           text not null,
    n               int not null,
    key_sum         bigint not null
);
create index figure_month_counts_touchpoint_month on figure_month_counts (touchpoint_id, month);

-- Which touchpoint-months are counted above, and from how many responses.
create table figure_months (
    touchpoint_id bigint not null references touchpoints (id),
    month         date not null,
    responses     int not null,
    primary key (touchpoint_id, month)
);

-- The weekly rollup is replaced by the monthly one.
drop table review_week_counts;
drop table review_weeks;

-- Reviews cover whole calendar months: an old review's days become the whole
-- months they touch (a period to the day is how one answer was differenced out).
update reviews
set period_start = date_trunc('month', period_start)::date,
    period_end = (date_trunc('month', period_end) + interval '1 month' - interval '1 day')::date;
