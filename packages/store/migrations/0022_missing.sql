-- Missing-data codes (issue 18; ADR 0040; docs/data-management.md, "Missing-data codes"): each
-- visit field where an empty value means something gets a companion column <field>_missing
-- holding why it is empty: ND not done, NA not applicable, UNK unknown, ASKU asked but unknown
-- (the field dictionary's code list missing_reason, packages/dictionary/src/missing-codes.ts).
-- A column holds its value or its code, never both (the second CHECK of each pair); the codes
-- are CHECKed like every code list (dictionary-schema.test.ts compares each CHECK with the
-- dictionary). The columns are part of the visit row, so a code is versioned, audited (the
-- row's audit event holds it), locked and verified with the visit's values, by every path
-- into the table: save_visit, the bundle and ODM import. Existing rows have no code: blank.

ALTER TABLE visit
  ADD COLUMN physician_global_missing text
    CONSTRAINT visit_physician_global_missing_code CHECK (physician_global_missing IN ('ND', 'NA', 'UNK', 'ASKU')),
  ADD CONSTRAINT visit_physician_global_value_or_missing CHECK (physician_global IS NULL OR physician_global_missing IS NULL),
  ADD COLUMN parent_global_missing text
    CONSTRAINT visit_parent_global_missing_code CHECK (parent_global_missing IN ('ND', 'NA', 'UNK', 'ASKU')),
  ADD CONSTRAINT visit_parent_global_value_or_missing CHECK (parent_global IS NULL OR parent_global_missing IS NULL),
  ADD COLUMN chaq_di_missing text
    CONSTRAINT visit_chaq_di_missing_code CHECK (chaq_di_missing IN ('ND', 'NA', 'UNK', 'ASKU')),
  ADD CONSTRAINT visit_chaq_di_value_or_missing CHECK (chaq_di IS NULL OR chaq_di_missing IS NULL),
  ADD COLUMN active_joints_missing text
    CONSTRAINT visit_active_joints_missing_code CHECK (active_joints_missing IN ('ND', 'NA', 'UNK', 'ASKU')),
  ADD CONSTRAINT visit_active_joints_value_or_missing CHECK (active_joints IS NULL OR active_joints_missing IS NULL),
  ADD COLUMN limited_joints_missing text
    CONSTRAINT visit_limited_joints_missing_code CHECK (limited_joints_missing IN ('ND', 'NA', 'UNK', 'ASKU')),
  ADD CONSTRAINT visit_limited_joints_value_or_missing CHECK (limited_joints IS NULL OR limited_joints_missing IS NULL),
  ADD COLUMN esr_missing text
    CONSTRAINT visit_esr_missing_code CHECK (esr_missing IN ('ND', 'NA', 'UNK', 'ASKU')),
  ADD CONSTRAINT visit_esr_value_or_missing CHECK (esr IS NULL OR esr_missing IS NULL),
  ADD COLUMN crp_missing text
    CONSTRAINT visit_crp_missing_code CHECK (crp_missing IN ('ND', 'NA', 'UNK', 'ASKU')),
  ADD CONSTRAINT visit_crp_value_or_missing CHECK (crp IS NULL OR crp_missing IS NULL),
  ADD COLUMN morning_stiffness_min_missing text
    CONSTRAINT visit_morning_stiffness_min_missing_code CHECK (morning_stiffness_min_missing IN ('ND', 'NA', 'UNK', 'ASKU')),
  ADD CONSTRAINT visit_morning_stiffness_min_value_or_missing CHECK (morning_stiffness_min IS NULL OR morning_stiffness_min_missing IS NULL),
  ADD COLUMN systemic_features_missing text
    CONSTRAINT visit_systemic_features_missing_code CHECK (systemic_features_missing IN ('ND', 'NA', 'UNK', 'ASKU')),
  ADD CONSTRAINT visit_systemic_features_value_or_missing CHECK (systemic_features IS NULL OR systemic_features_missing IS NULL),
  ADD COLUMN active_uveitis_missing text
    CONSTRAINT visit_active_uveitis_missing_code CHECK (active_uveitis_missing IN ('ND', 'NA', 'UNK', 'ASKU')),
  ADD CONSTRAINT visit_active_uveitis_value_or_missing CHECK (active_uveitis IS NULL OR active_uveitis_missing IS NULL),
  ADD COLUMN fever_missing text
    CONSTRAINT visit_fever_missing_code CHECK (fever_missing IN ('ND', 'NA', 'UNK', 'ASKU')),
  ADD CONSTRAINT visit_fever_value_or_missing CHECK (fever IS NULL OR fever_missing IS NULL),
  ADD COLUMN ferritin_missing text
    CONSTRAINT visit_ferritin_missing_code CHECK (ferritin_missing IN ('ND', 'NA', 'UNK', 'ASKU')),
  ADD CONSTRAINT visit_ferritin_value_or_missing CHECK (ferritin IS NULL OR ferritin_missing IS NULL),
  ADD COLUMN platelets_missing text
    CONSTRAINT visit_platelets_missing_code CHECK (platelets_missing IN ('ND', 'NA', 'UNK', 'ASKU')),
  ADD CONSTRAINT visit_platelets_value_or_missing CHECK (platelets IS NULL OR platelets_missing IS NULL),
  ADD COLUMN ast_missing text
    CONSTRAINT visit_ast_missing_code CHECK (ast_missing IN ('ND', 'NA', 'UNK', 'ASKU')),
  ADD CONSTRAINT visit_ast_value_or_missing CHECK (ast IS NULL OR ast_missing IS NULL),
  ADD COLUMN triglycerides_missing text
    CONSTRAINT visit_triglycerides_missing_code CHECK (triglycerides_missing IN ('ND', 'NA', 'UNK', 'ASKU')),
  ADD CONSTRAINT visit_triglycerides_value_or_missing CHECK (triglycerides IS NULL OR triglycerides_missing IS NULL),
  ADD COLUMN fibrinogen_missing text
    CONSTRAINT visit_fibrinogen_missing_code CHECK (fibrinogen_missing IN ('ND', 'NA', 'UNK', 'ASKU')),
  ADD CONSTRAINT visit_fibrinogen_value_or_missing CHECK (fibrinogen IS NULL OR fibrinogen_missing IS NULL),
  ADD COLUMN ldh_missing text
    CONSTRAINT visit_ldh_missing_code CHECK (ldh_missing IN ('ND', 'NA', 'UNK', 'ASKU')),
  ADD CONSTRAINT visit_ldh_value_or_missing CHECK (ldh IS NULL OR ldh_missing IS NULL),
  ADD COLUMN cns_involvement_missing text
    CONSTRAINT visit_cns_involvement_missing_code CHECK (cns_involvement_missing IN ('ND', 'NA', 'UNK', 'ASKU')),
  ADD CONSTRAINT visit_cns_involvement_value_or_missing CHECK (cns_involvement IS NULL OR cns_involvement_missing IS NULL),
  ADD COLUMN haemorrhagic_manifestations_missing text
    CONSTRAINT visit_haemorrhagic_manifestations_missing_code CHECK (haemorrhagic_manifestations_missing IN ('ND', 'NA', 'UNK', 'ASKU')),
  ADD CONSTRAINT visit_haemorrhagic_manifestations_value_or_missing CHECK (haemorrhagic_manifestations IS NULL OR haemorrhagic_manifestations_missing IS NULL);

-- save_visit (migration 0014) writing the codes too. It names every column it writes;
-- visits.test.ts edits every field and checks that each one is stored.
DROP FUNCTION save_visit(text, jsonb, integer, text, text, text, text[]);
CREATE FUNCTION save_visit(p_study text, p_visit jsonb, p_based_on integer, p_actor text,
  p_reason text, p_actor_id text, p_sites text[])
RETURNS TABLE (saved_version integer, baseline jsonb) LANGUAGE plpgsql AS $$
DECLARE
  r visit := jsonb_populate_record(NULL::visit, p_visit);
  v integer;
BEGIN
  PERFORM set_config('jia.actor', p_actor, true), set_config('jia.reason', coalesce(p_reason, ''), true),
          set_config('jia.actor_id', coalesce(p_actor_id, ''), true);
  -- The visit's subject must exist and, for a caller acting at some sites only, be at one of
  -- them, as must the stored visit's current subject (migration 0012).
  IF NOT EXISTS (SELECT 1 FROM subject s WHERE s.study_id = p_study AND s.subject_id = r.subject_id
                    AND (p_sites IS NULL OR s.site_code = ANY (p_sites)))
     OR (p_sites IS NOT NULL AND EXISTS (
           SELECT 1 FROM visit v JOIN subject s
               ON s.study_id = v.study_id AND s.subject_id = v.subject_id
            WHERE v.study_id = p_study AND v.visit_id = r.visit_id
              AND (s.site_code IS NULL OR NOT s.site_code = ANY (p_sites)))) THEN
    RAISE EXCEPTION 'jia-trial: no such subject or visit at the caller''s sites' USING ERRCODE = 'JT012';
  END IF;
  IF p_based_on IS NULL THEN
    INSERT INTO visit (study_id, visit_id,
      subject_id, visit_date, baseline_visit_id, ilar_category, physician_global, parent_global,
      chaq_di, active_joints, limited_joints, active_joint_codes, esr, crp, crp_unit,
      morning_stiffness_min, systemic_features, active_uveitis, fever, ferritin, ferritin_unit,
      platelets, platelets_unit, ast, ast_unit, triglycerides, triglycerides_unit, fibrinogen,
      fibrinogen_unit, ldh, cns_involvement, haemorrhagic_manifestations,
      physician_global_missing, parent_global_missing, chaq_di_missing, active_joints_missing,
      limited_joints_missing, esr_missing, crp_missing, morning_stiffness_min_missing,
      systemic_features_missing, active_uveitis_missing, fever_missing, ferritin_missing,
      platelets_missing, ast_missing, triglycerides_missing, fibrinogen_missing, ldh_missing,
      cns_involvement_missing, haemorrhagic_manifestations_missing)
    VALUES (p_study, r.visit_id,
      r.subject_id, r.visit_date, r.baseline_visit_id, r.ilar_category, r.physician_global,
      r.parent_global, r.chaq_di, r.active_joints, r.limited_joints, r.active_joint_codes,
      r.esr, r.crp, r.crp_unit, r.morning_stiffness_min, r.systemic_features, r.active_uveitis,
      r.fever, r.ferritin, r.ferritin_unit, r.platelets, r.platelets_unit, r.ast, r.ast_unit,
      r.triglycerides, r.triglycerides_unit, r.fibrinogen, r.fibrinogen_unit, r.ldh,
      r.cns_involvement, r.haemorrhagic_manifestations, r.physician_global_missing,
      r.parent_global_missing, r.chaq_di_missing, r.active_joints_missing,
      r.limited_joints_missing, r.esr_missing, r.crp_missing, r.morning_stiffness_min_missing,
      r.systemic_features_missing, r.active_uveitis_missing, r.fever_missing,
      r.ferritin_missing, r.platelets_missing, r.ast_missing, r.triglycerides_missing,
      r.fibrinogen_missing, r.ldh_missing, r.cns_involvement_missing,
      r.haemorrhagic_manifestations_missing)
    ON CONFLICT (study_id, visit_id) DO NOTHING RETURNING version INTO v;
  ELSE
    UPDATE visit SET
      subject_id = r.subject_id, visit_date = r.visit_date,
      baseline_visit_id = r.baseline_visit_id, ilar_category = r.ilar_category,
      physician_global = r.physician_global, parent_global = r.parent_global,
      chaq_di = r.chaq_di, active_joints = r.active_joints, limited_joints = r.limited_joints,
      active_joint_codes = r.active_joint_codes, esr = r.esr, crp = r.crp,
      crp_unit = r.crp_unit, morning_stiffness_min = r.morning_stiffness_min,
      systemic_features = r.systemic_features, active_uveitis = r.active_uveitis,
      fever = r.fever, ferritin = r.ferritin, ferritin_unit = r.ferritin_unit,
      platelets = r.platelets, platelets_unit = r.platelets_unit, ast = r.ast,
      ast_unit = r.ast_unit, triglycerides = r.triglycerides,
      triglycerides_unit = r.triglycerides_unit, fibrinogen = r.fibrinogen,
      fibrinogen_unit = r.fibrinogen_unit, ldh = r.ldh, cns_involvement = r.cns_involvement,
      haemorrhagic_manifestations = r.haemorrhagic_manifestations,
      physician_global_missing = r.physician_global_missing,
      parent_global_missing = r.parent_global_missing, chaq_di_missing = r.chaq_di_missing,
      active_joints_missing = r.active_joints_missing,
      limited_joints_missing = r.limited_joints_missing, esr_missing = r.esr_missing,
      crp_missing = r.crp_missing,
      morning_stiffness_min_missing = r.morning_stiffness_min_missing,
      systemic_features_missing = r.systemic_features_missing,
      active_uveitis_missing = r.active_uveitis_missing, fever_missing = r.fever_missing,
      ferritin_missing = r.ferritin_missing, platelets_missing = r.platelets_missing,
      ast_missing = r.ast_missing, triglycerides_missing = r.triglycerides_missing,
      fibrinogen_missing = r.fibrinogen_missing, ldh_missing = r.ldh_missing,
      cns_involvement_missing = r.cns_involvement_missing,
      haemorrhagic_manifestations_missing = r.haemorrhagic_manifestations_missing
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
