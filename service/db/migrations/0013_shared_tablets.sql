-- Shared tablets (issue 18). A shared-device touchpoint starts over by itself
-- after `idle_seconds` without a touch (a "still there?" prompt first), and a
-- staff member takes the tablet out of it with a PIN, kept only as an Argon2id
-- hash. Each device (a random id made by the device, nothing else) that sends
-- answers to a shared touchpoint is remembered with the last day it sent, so a
-- team can see a tablet with answers stuck on it. A day, never a time.
alter table touchpoints add column idle_seconds integer not null default 180
    check (idle_seconds between 2 and 3600);
alter table touchpoints add column exit_pin_hash text;

create table device_last_sent (
    touchpoint_id bigint not null references touchpoints (id) on delete cascade,
    device_id     uuid not null,
    last_sent_on  date not null,
    primary key (touchpoint_id, device_id)
);
