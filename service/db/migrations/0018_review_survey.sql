-- A learning review is about one families' survey (surveys/*.toml asked of
-- families): its figures, comments and action targets are that survey's
-- questions. Every review before this was about "after-meeting", the only
-- families' survey there was; from now on the review says which (no default).
alter table reviews add column survey_id text not null default 'after-meeting';
alter table reviews alter column survey_id drop default;
