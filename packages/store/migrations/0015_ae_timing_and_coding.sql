-- What the adverse-event analysis needs to be sound (issue 14, section 3; ADR 0020;
-- docs/analysis.md):
-- - subject.consent_date: an AE with onset before the informed consent was taken from the chart
--   (retrospective), one after it was collected by the study (prospective). Consent comes before
--   any trial procedure (ICH E6(R2) 4.8.8), so it is not after the enrolment. Empty: the
--   enrolment date stands for it;
-- - infusion.infusion_time and adverse_event.onset_time (HH:MM, local): when both are recorded
--   they decide whether an AE on the infusion day began before or after the infusion;
-- - adverse_event.worsened_date: the day a condition present before treatment rose to its grade
--   (treatment-emergent by worsening, ICH E9 glossary);
-- - adverse_event.preferred_term and system_organ_class: MedDRA as coded by the site (no MedDRA
--   dictionary is shipped; the texts are stored as given).
-- Rows stored before this migration have them empty: not recorded.

ALTER TABLE subject
  ADD COLUMN consent_date date
    CONSTRAINT subject_consent_before_enrolment CHECK (consent_date <= enrolment_date);

COMMENT ON COLUMN subject.consent_date IS 'informed consent (empty: the enrolment date stands for it)';

ALTER TABLE infusion
  ADD COLUMN infusion_time text
    CONSTRAINT infusion_time_of_day CHECK (infusion_time ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$');

COMMENT ON COLUMN infusion.infusion_time IS 'start of the infusion, HH:MM local';

ALTER TABLE adverse_event
  ADD COLUMN onset_time text
    CONSTRAINT adverse_event_onset_time_of_day CHECK (onset_time ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'),
  ADD COLUMN worsened_date date
    -- Empty when the AE did not worsen; else within its course, and to a grade of 2 or more.
    CONSTRAINT adverse_event_worsened_in_course CHECK (worsened_date IS NULL
      OR (worsened_date >= onset_date AND worsened_date <= resolution_date AND grade >= 2)),
  ADD COLUMN preferred_term text CONSTRAINT adverse_event_preferred_term_length
    CHECK (preferred_term <> '' AND length(preferred_term) <= 100),
  ADD COLUMN system_organ_class text CONSTRAINT adverse_event_soc_length
    CHECK (system_organ_class <> '' AND length(system_organ_class) <= 100);

COMMENT ON COLUMN adverse_event.onset_time IS 'HH:MM local';
COMMENT ON COLUMN adverse_event.worsened_date IS 'the day the grade rose to the grade recorded';
COMMENT ON COLUMN adverse_event.preferred_term IS 'MedDRA preferred term, coded by the site';
COMMENT ON COLUMN adverse_event.system_organ_class IS 'MedDRA system organ class, coded by the site';
