-- Keys only Heard's own instances know, made once here and read at start-up.
-- 'thanks' signs the thank-you page's address: whether the words a person wrote
-- were flagged rides in it as a keyed hash, so the page needs no database read
-- and the address looks the same, flagged or not.
create table instance_keys (
    name text primary key,
    key  bytea not null
);
insert into instance_keys (name, key)
values ('thanks', uuid_send(gen_random_uuid()) || uuid_send(gen_random_uuid()));
