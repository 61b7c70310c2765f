-- Abuse resistance without tracking: answers that arrive far faster than a
-- touchpoint's normal rate are kept but held out of every summary until a team
-- manager looks at them and includes them (or decides to keep them out).
alter table responses
    add column held boolean not null default false,
    add column held_reviewed boolean not null default false;
create index responses_held on responses (touchpoint_id, submitted_on) where held;
