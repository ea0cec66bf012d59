-- The actors of a study's audit trail, found by the index (issue 17's export speed; docs/
-- performance.md, "Exports ... round 3"). Every exchange export (ODM, FHIR) first lists the
-- study's actors with each one's latest name (readStudyForExchange's studyInfo): with no index
-- on the actor this read the whole audit trail (a parallel scan of the 200,000-visit benchmark
-- study's 320 MB, 0.5-0.6 s before the export could start). With this index the query skips
-- from one actor to the next, reading each one's latest event first (event_id DESC): 1 ms for
-- the same study. The expression is the one the query uses (an event before migration 0007
-- has no actor id: its name is its id).
CREATE INDEX audit_event_study_actor
  ON audit_event (study_id, (coalesce(actor_id, actor)), event_id DESC);
