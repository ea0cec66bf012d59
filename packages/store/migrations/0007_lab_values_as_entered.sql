-- Laboratory values kept as entered, beside their standardised value (docs/field-dictionary.md,
-- docs/adr/0011-field-dictionary.md).
--
-- A visit's laboratory value is now stored as it was entered: the number in its column and, when
-- it was not entered in the standard unit, that unit in <analyte>_unit (NULL: the standard unit,
-- which every row stored before this migration is in). <analyte>_std is the value in the standard
-- unit, computed by the database: thresholds defined per unit, FHIR's valueQuantity and SDTM's
-- original result read the entered pair, scores and ranges the standardised value.
--
-- The conversions are those of @jia-trial/outcomes LAB_ANALYTES (each unit is num/den standard
-- units), rounded as its convertLab rounds: the entered value to 6 decimals, then the product to
-- 6 decimals, halves up (values are never negative). dictionary-schema.test.ts checks every unit
-- against convertLab, and every range and code list below against the field dictionary.

ALTER TABLE visit
  ADD COLUMN crp_unit text CHECK (crp_unit IN ('mg/L', 'mg/dL')),
  ADD COLUMN ferritin_unit text CHECK (ferritin_unit IN ('ng/mL', 'ug/L')),
  ADD COLUMN platelets_unit text CHECK (platelets_unit IN ('10^9/L', '10^3/uL')),
  ADD COLUMN ast_unit text CHECK (ast_unit IN ('U/L', 'ukat/L')),
  ADD COLUMN triglycerides_unit text CHECK (triglycerides_unit IN ('mg/dL', 'mmol/L')),
  ADD COLUMN fibrinogen_unit text CHECK (fibrinogen_unit IN ('mg/dL', 'g/L'));

ALTER TABLE visit
  ADD COLUMN crp_std numeric GENERATED ALWAYS AS (
    CASE crp_unit WHEN 'mg/dL' THEN round(round(crp, 6) * 10, 6) ELSE crp END) STORED,
  ADD COLUMN ferritin_std numeric GENERATED ALWAYS AS (ferritin) STORED,
  ADD COLUMN platelets_std numeric GENERATED ALWAYS AS (platelets) STORED,
  ADD COLUMN ast_std numeric GENERATED ALWAYS AS (
    CASE ast_unit WHEN 'ukat/L' THEN round(round(ast, 6) * 60, 6) ELSE ast END) STORED,
  ADD COLUMN triglycerides_std numeric GENERATED ALWAYS AS (
    CASE triglycerides_unit WHEN 'mmol/L' THEN round(round(triglycerides, 6) * 8857 / 100, 6)
    ELSE triglycerides END) STORED,
  ADD COLUMN fibrinogen_std numeric GENERATED ALWAYS AS (
    CASE fibrinogen_unit WHEN 'g/L' THEN round(round(fibrinogen, 6) * 100, 6)
    ELSE fibrinogen END) STORED;

COMMENT ON COLUMN visit.crp IS 'as entered, in crp_unit (NULL: mg/L)';
COMMENT ON COLUMN visit.ferritin IS 'as entered, in ferritin_unit (NULL: ng/mL)';
COMMENT ON COLUMN visit.platelets IS 'as entered, in platelets_unit (NULL: 10^9/L)';
COMMENT ON COLUMN visit.ast IS 'as entered, in ast_unit (NULL: U/L)';
COMMENT ON COLUMN visit.triglycerides IS 'as entered, in triglycerides_unit (NULL: mg/dL)';
COMMENT ON COLUMN visit.fibrinogen IS 'as entered, in fibrinogen_unit (NULL: mg/dL)';
COMMENT ON COLUMN visit.crp_std IS 'mg/L';
COMMENT ON COLUMN visit.ferritin_std IS 'ng/mL';
COMMENT ON COLUMN visit.platelets_std IS '10^9/L';
COMMENT ON COLUMN visit.ast_std IS 'U/L';
COMMENT ON COLUMN visit.triglycerides_std IS 'mg/dL';
COMMENT ON COLUMN visit.fibrinogen_std IS 'mg/dL';

-- The upper ends of the measures' ranges (INPUT_RANGES of @jia-trial/outcomes), which the
-- importer and the score reader always applied: now the database holds them too, on the
-- standardised values.
ALTER TABLE visit
  ADD CONSTRAINT visit_esr_range CHECK (esr <= 200),
  ADD CONSTRAINT visit_crp_range CHECK (crp_std BETWEEN 0 AND 1000),
  ADD CONSTRAINT visit_ferritin_range CHECK (ferritin_std BETWEEN 0 AND 1000000),
  ADD CONSTRAINT visit_platelets_range CHECK (platelets_std BETWEEN 0 AND 5000),
  ADD CONSTRAINT visit_ast_range CHECK (ast_std BETWEEN 0 AND 100000),
  ADD CONSTRAINT visit_triglycerides_range CHECK (triglycerides_std BETWEEN 0 AND 10000),
  ADD CONSTRAINT visit_fibrinogen_range CHECK (fibrinogen_std BETWEEN 0 AND 5000);

-- A visit's ILAR category is checked as the subject's is (migration 0002).
ALTER TABLE visit ADD CONSTRAINT visit_ilar_category_check CHECK (ilar_category IN ('systemic',
  'oligoarticular_persistent', 'oligoarticular_extended', 'polyarticular_rf_negative',
  'polyarticular_rf_positive', 'psoriatic', 'enthesitis_related', 'undifferentiated'));

-- save_visit (migration 0003) names every column it updates: the unit columns join them.
CREATE OR REPLACE FUNCTION save_visit(p_study text, p_visit jsonb, p_based_on integer, p_actor text, p_reason text)
RETURNS TABLE (saved_version integer, baseline jsonb) LANGUAGE plpgsql AS $$
DECLARE
  r visit := jsonb_populate_record(NULL::visit, p_visit);
  v integer;
BEGIN
  PERFORM set_config('jia.actor', p_actor, true), set_config('jia.reason', coalesce(p_reason, ''), true);
  IF p_based_on IS NULL THEN
    INSERT INTO visit (study_id, visit_id, subject_id, visit_date, baseline_visit_id, ilar_category,
      physician_global, parent_global, chaq_di, active_joints, limited_joints, active_joint_codes,
      esr, crp, crp_unit, morning_stiffness_min, systemic_features, active_uveitis, fever,
      ferritin, ferritin_unit, platelets, platelets_unit, ast, ast_unit, triglycerides,
      triglycerides_unit, fibrinogen, fibrinogen_unit)
    VALUES (p_study, r.visit_id, r.subject_id, r.visit_date, r.baseline_visit_id, r.ilar_category,
      r.physician_global, r.parent_global, r.chaq_di, r.active_joints, r.limited_joints,
      r.active_joint_codes, r.esr, r.crp, r.crp_unit, r.morning_stiffness_min,
      r.systemic_features, r.active_uveitis, r.fever, r.ferritin, r.ferritin_unit, r.platelets,
      r.platelets_unit, r.ast, r.ast_unit, r.triglycerides, r.triglycerides_unit, r.fibrinogen,
      r.fibrinogen_unit)
    ON CONFLICT (study_id, visit_id) DO NOTHING RETURNING version INTO v;
  ELSE
    UPDATE visit SET subject_id = r.subject_id, visit_date = r.visit_date,
      baseline_visit_id = r.baseline_visit_id, ilar_category = r.ilar_category,
      physician_global = r.physician_global, parent_global = r.parent_global, chaq_di = r.chaq_di,
      active_joints = r.active_joints, limited_joints = r.limited_joints,
      active_joint_codes = r.active_joint_codes, esr = r.esr, crp = r.crp, crp_unit = r.crp_unit,
      morning_stiffness_min = r.morning_stiffness_min, systemic_features = r.systemic_features,
      active_uveitis = r.active_uveitis, fever = r.fever, ferritin = r.ferritin,
      ferritin_unit = r.ferritin_unit, platelets = r.platelets, platelets_unit = r.platelets_unit,
      ast = r.ast, ast_unit = r.ast_unit, triglycerides = r.triglycerides,
      triglycerides_unit = r.triglycerides_unit, fibrinogen = r.fibrinogen,
      fibrinogen_unit = r.fibrinogen_unit
     WHERE study_id = p_study AND visit_id = r.visit_id AND version = p_based_on
    RETURNING version INTO v;
  END IF;
  IF v IS NULL THEN
    RAISE EXCEPTION 'jia-trial: stale edit' USING ERRCODE = 'JT010';
  END IF;
  IF r.baseline_visit_id IS NOT NULL THEN
    SELECT to_jsonb(b) INTO baseline FROM visit b
     WHERE b.study_id = p_study AND b.visit_id = r.baseline_visit_id AND b.subject_id = r.subject_id;
    IF baseline IS NULL THEN
      RAISE EXCEPTION 'jia-trial: baseline missing' USING ERRCODE = 'JT011';
    END IF;
  ELSE
    SELECT to_jsonb(b) INTO baseline FROM visit b
     WHERE b.study_id = p_study AND b.subject_id = r.subject_id AND b.visit_id <> r.visit_id
     ORDER BY b.visit_date, b.visit_id LIMIT 1;
  END IF;
  saved_version := v;
  RETURN NEXT;
END
$$;
