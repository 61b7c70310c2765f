-- name: record_survey_version
-- Remember a survey version so responses can point at it; $1 survey id, $2 version hash, $3 version, $4 definition.
insert into survey_versions (survey_id, version_hash, version, definition)
values ($1, $2, $3, $4)
on conflict (survey_id, version_hash) do nothing

-- name: survey_version_definition
-- A version loaded by another instance or an earlier deploy; $1 survey id, $2 version hash.
select definition from survey_versions where survey_id = $1 and version_hash = $2
