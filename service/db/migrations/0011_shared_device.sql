-- A touchpoint on a device handed from person to person (a family centre's
-- tablet): after sending, the thank-you page offers a clean start for the next
-- person. On anyone's own phone it does not, so Back after "thank you" can
-- never lead to a second response.
alter table touchpoints add column shared_device boolean not null default false;
