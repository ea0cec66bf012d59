-- Missing-data codes on the other record types (issue 18; ADR 0040, "Which fields"; docs/
-- data-management.md, "Missing-data codes"): as migration 0022 did for the visit, each field of a
-- medication, an infusion and an eligibility answer that accepts a code gets a companion column
-- <field>_missing holding why it is empty (ND not done, NA not applicable, UNK unknown, ASKU asked
-- but unknown: the dictionary's code list missing_reason), CHECKed against the list, and never
-- beside a value. The columns are in the record's own row, so a code is versioned, audited (the
-- row's audit event holds it), locked and verified with its record, by every path into the
-- table: the record services (whose statements the dictionary makes), the bundle and ODM import.
--
-- An eligibility answer's value is required: it now accepts a code instead (an answer the
-- investigator could not give), so its NOT NULL becomes a CHECK that one of the two is given.
-- Existing rows have no code: blank.

ALTER TABLE medication
  ADD COLUMN dose_mg_missing text
    CONSTRAINT medication_dose_mg_missing_code CHECK (dose_mg_missing IN ('ND', 'NA', 'UNK', 'ASKU')),
  ADD CONSTRAINT medication_dose_mg_value_or_missing CHECK (dose_mg IS NULL OR dose_mg_missing IS NULL),
  ADD COLUMN route_missing text
    CONSTRAINT medication_route_missing_code CHECK (route_missing IN ('ND', 'NA', 'UNK', 'ASKU')),
  ADD CONSTRAINT medication_route_value_or_missing CHECK (route IS NULL OR route_missing IS NULL),
  ADD COLUMN stop_reason_missing text
    CONSTRAINT medication_stop_reason_missing_code CHECK (stop_reason_missing IN ('ND', 'NA', 'UNK', 'ASKU')),
  ADD CONSTRAINT medication_stop_reason_value_or_missing CHECK (stop_reason IS NULL OR stop_reason_missing IS NULL);

ALTER TABLE infusion
  ADD COLUMN volume_ml_missing text
    CONSTRAINT infusion_volume_ml_missing_code CHECK (volume_ml_missing IN ('ND', 'NA', 'UNK', 'ASKU')),
  ADD CONSTRAINT infusion_volume_ml_value_or_missing CHECK (volume_ml IS NULL OR volume_ml_missing IS NULL),
  ADD COLUMN viability_pct_missing text
    CONSTRAINT infusion_viability_pct_missing_code CHECK (viability_pct_missing IN ('ND', 'NA', 'UNK', 'ASKU')),
  ADD CONSTRAINT infusion_viability_pct_value_or_missing CHECK (viability_pct IS NULL OR viability_pct_missing IS NULL),
  ADD COLUMN passage_missing text
    CONSTRAINT infusion_passage_missing_code CHECK (passage_missing IN ('ND', 'NA', 'UNK', 'ASKU')),
  ADD CONSTRAINT infusion_passage_value_or_missing CHECK (passage IS NULL OR passage_missing IS NULL),
  ADD COLUMN product_state_missing text
    CONSTRAINT infusion_product_state_missing_code CHECK (product_state_missing IN ('ND', 'NA', 'UNK', 'ASKU')),
  ADD CONSTRAINT infusion_product_state_value_or_missing CHECK (product_state IS NULL OR product_state_missing IS NULL),
  ADD COLUMN pre_heart_rate_missing text
    CONSTRAINT infusion_pre_heart_rate_missing_code CHECK (pre_heart_rate_missing IN ('ND', 'NA', 'UNK', 'ASKU')),
  ADD CONSTRAINT infusion_pre_heart_rate_value_or_missing CHECK (pre_heart_rate IS NULL OR pre_heart_rate_missing IS NULL),
  ADD COLUMN pre_systolic_bp_missing text
    CONSTRAINT infusion_pre_systolic_bp_missing_code CHECK (pre_systolic_bp_missing IN ('ND', 'NA', 'UNK', 'ASKU')),
  ADD CONSTRAINT infusion_pre_systolic_bp_value_or_missing CHECK (pre_systolic_bp IS NULL OR pre_systolic_bp_missing IS NULL),
  ADD COLUMN pre_diastolic_bp_missing text
    CONSTRAINT infusion_pre_diastolic_bp_missing_code CHECK (pre_diastolic_bp_missing IN ('ND', 'NA', 'UNK', 'ASKU')),
  ADD CONSTRAINT infusion_pre_diastolic_bp_value_or_missing CHECK (pre_diastolic_bp IS NULL OR pre_diastolic_bp_missing IS NULL),
  ADD COLUMN pre_temperature_c_missing text
    CONSTRAINT infusion_pre_temperature_c_missing_code CHECK (pre_temperature_c_missing IN ('ND', 'NA', 'UNK', 'ASKU')),
  ADD CONSTRAINT infusion_pre_temperature_c_value_or_missing CHECK (pre_temperature_c IS NULL OR pre_temperature_c_missing IS NULL),
  ADD COLUMN pre_spo2_missing text
    CONSTRAINT infusion_pre_spo2_missing_code CHECK (pre_spo2_missing IN ('ND', 'NA', 'UNK', 'ASKU')),
  ADD CONSTRAINT infusion_pre_spo2_value_or_missing CHECK (pre_spo2 IS NULL OR pre_spo2_missing IS NULL),
  ADD COLUMN post_heart_rate_missing text
    CONSTRAINT infusion_post_heart_rate_missing_code CHECK (post_heart_rate_missing IN ('ND', 'NA', 'UNK', 'ASKU')),
  ADD CONSTRAINT infusion_post_heart_rate_value_or_missing CHECK (post_heart_rate IS NULL OR post_heart_rate_missing IS NULL),
  ADD COLUMN post_systolic_bp_missing text
    CONSTRAINT infusion_post_systolic_bp_missing_code CHECK (post_systolic_bp_missing IN ('ND', 'NA', 'UNK', 'ASKU')),
  ADD CONSTRAINT infusion_post_systolic_bp_value_or_missing CHECK (post_systolic_bp IS NULL OR post_systolic_bp_missing IS NULL),
  ADD COLUMN post_diastolic_bp_missing text
    CONSTRAINT infusion_post_diastolic_bp_missing_code CHECK (post_diastolic_bp_missing IN ('ND', 'NA', 'UNK', 'ASKU')),
  ADD CONSTRAINT infusion_post_diastolic_bp_value_or_missing CHECK (post_diastolic_bp IS NULL OR post_diastolic_bp_missing IS NULL),
  ADD COLUMN post_temperature_c_missing text
    CONSTRAINT infusion_post_temperature_c_missing_code CHECK (post_temperature_c_missing IN ('ND', 'NA', 'UNK', 'ASKU')),
  ADD CONSTRAINT infusion_post_temperature_c_value_or_missing CHECK (post_temperature_c IS NULL OR post_temperature_c_missing IS NULL),
  ADD COLUMN post_spo2_missing text
    CONSTRAINT infusion_post_spo2_missing_code CHECK (post_spo2_missing IN ('ND', 'NA', 'UNK', 'ASKU')),
  ADD CONSTRAINT infusion_post_spo2_value_or_missing CHECK (post_spo2 IS NULL OR post_spo2_missing IS NULL);

ALTER TABLE eligibility_assessment
  ADD COLUMN value_missing text
    CONSTRAINT eligibility_assessment_value_missing_code CHECK (value_missing IN ('ND', 'NA', 'UNK', 'ASKU')),
  ADD CONSTRAINT eligibility_assessment_value_value_or_missing CHECK (value IS NULL OR value_missing IS NULL),
  ALTER COLUMN value DROP NOT NULL,
  ADD CONSTRAINT eligibility_assessment_value_given CHECK (value IS NOT NULL OR value_missing IS NOT NULL);
