-- A record's version starts at 1 and only grows (bump_version, migration 0001): the database
-- says so too, now that exported bundles carry versions and imports compare them
-- (docs/bundle-format.md, "Versions"; the field dictionary's RECORD_VERSION, range 1 and up).
ALTER TABLE subject ADD CONSTRAINT subject_version_check CHECK (version >= 1);
ALTER TABLE visit ADD CONSTRAINT visit_version_check CHECK (version >= 1);
ALTER TABLE joint_finding ADD CONSTRAINT joint_finding_version_check CHECK (version >= 1);
ALTER TABLE chaq_response ADD CONSTRAINT chaq_response_version_check CHECK (version >= 1);
ALTER TABLE medication ADD CONSTRAINT medication_version_check CHECK (version >= 1);
ALTER TABLE infusion ADD CONSTRAINT infusion_version_check CHECK (version >= 1);
ALTER TABLE adverse_event ADD CONSTRAINT adverse_event_version_check CHECK (version >= 1);
ALTER TABLE eligibility_assessment ADD CONSTRAINT eligibility_assessment_version_check CHECK (version >= 1);
