-- The MS score's inputs that no visit held (issue 14, section 1; docs/clinical/ms-score.md):
-- lactate dehydrogenase in U/L, central nervous system involvement and haemorrhagic
-- manifestations (Minoia 2019, Table 4). With them the score is computed wherever its seven
-- inputs are recorded, instead of never. The range is the field dictionary's (INPUT_RANGES of
-- @jia-trial/outcomes: 0-100,000 U/L); dictionary-schema.test.ts inserts its boundaries and the
-- values just beyond. Rows stored before this migration have the three empty: not recorded.

ALTER TABLE visit
  ADD COLUMN ldh numeric CONSTRAINT visit_ldh_range CHECK (ldh BETWEEN 0 AND 100000),
  ADD COLUMN cns_involvement boolean,
  ADD COLUMN haemorrhagic_manifestations boolean;

COMMENT ON COLUMN visit.ldh IS 'U/L (lactate dehydrogenase)';
COMMENT ON COLUMN visit.cns_involvement IS 'central nervous system involvement (MS score)';
COMMENT ON COLUMN visit.haemorrhagic_manifestations IS 'haemorrhagic manifestations (MS score)';

-- save_visit (migration 0012) writing the three new columns too. It names every column it
-- writes; visits.test.ts edits every field and checks that each one is stored.
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
    INSERT INTO visit (study_id, visit_id, subject_id, visit_date, baseline_visit_id, ilar_category,
      physician_global, parent_global, chaq_di, active_joints, limited_joints, active_joint_codes,
      esr, crp, crp_unit, morning_stiffness_min, systemic_features, active_uveitis, fever,
      ferritin, ferritin_unit, platelets, platelets_unit, ast, ast_unit, triglycerides,
      triglycerides_unit, fibrinogen, fibrinogen_unit, ldh, cns_involvement,
      haemorrhagic_manifestations)
    VALUES (p_study, r.visit_id, r.subject_id, r.visit_date, r.baseline_visit_id, r.ilar_category,
      r.physician_global, r.parent_global, r.chaq_di, r.active_joints, r.limited_joints,
      r.active_joint_codes, r.esr, r.crp, r.crp_unit, r.morning_stiffness_min,
      r.systemic_features, r.active_uveitis, r.fever, r.ferritin, r.ferritin_unit, r.platelets,
      r.platelets_unit, r.ast, r.ast_unit, r.triglycerides, r.triglycerides_unit, r.fibrinogen,
      r.fibrinogen_unit, r.ldh, r.cns_involvement, r.haemorrhagic_manifestations)
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
      fibrinogen_unit = r.fibrinogen_unit, ldh = r.ldh, cns_involvement = r.cns_involvement,
      haemorrhagic_manifestations = r.haemorrhagic_manifestations
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
