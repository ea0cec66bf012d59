-- Two changes of the shared core (issue 11; docs/field-dictionary.md, docs/audit-trail.md):
-- laboratory values kept as entered beside their standardised value, and audit events that
-- name their actor by id and carry the study and site of their record. save_visit changes for
-- both, so they are one migration.
--
-- ## 1. Laboratory values as entered
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

-- ## 2. The audit context: actor id, study, site
--
-- Audit events name their actor by id as well as by name, and carry the study and the site of
-- the record they are about (docs/audit-trail.md), so that a review of one site's changes reads
-- two columns instead of parsing record keys and old/new values.
--
-- - actor_id: the transaction setting jia.actor_id, which the store sets with jia.actor (the
--   name) from its Actor { id, name }: `os:<login>` for the command line, a user's id for the
--   server. SQL written around the store may leave it empty.
-- - study_id: the row's own study_id (NULL for a table without one: app_user).
-- - site_code: the row's own site_code (subject, site, role_assignment), else its subject's site
--   (tables with subject_id), else its visit's subject's site (tables with visit_id), else NULL.
--   A row deleted together with its subject in one statement has no site left to look up.
--
-- The event hash covers them: json_build_array(batch_id, occurred_at, actor, reason, table_name,
-- row_id, record_key, operation, old_values, new_values) as before, with actor_id, study_id and
-- site_code appended whenever one of the three is set. Events written before this migration
-- have none set, so their hash is what it was; for a newer event, clearing the three does not
-- bring back a hash that matches.
--
-- An index on (table_name, row_id) finds a record's history: the import reads the last change
-- of each record it would replace (who changed it), and an audit review reads a record's trail.

ALTER TABLE audit_event
  ADD COLUMN actor_id text,
  ADD COLUMN study_id text,
  ADD COLUMN site_code text;
CREATE INDEX audit_event_record ON audit_event (table_name, row_id, event_id);
CREATE INDEX audit_event_study_site ON audit_event (study_id, site_code, event_id);

-- The event content an event hash covers (verify-audit.ts recomputes the same expression).
CREATE FUNCTION audit_event_content(batch bigint, at_text text, actor text, reason text,
  table_name text, row_id bigint, record_key text, operation text, old_values json,
  new_values json, actor_id text, study_id text, site_code text) RETURNS bytea
LANGUAGE sql IMMUTABLE AS $$
  SELECT convert_to(CASE WHEN actor_id IS NULL AND study_id IS NULL AND site_code IS NULL
    THEN json_build_array(batch, at_text, actor, reason, table_name, row_id, record_key,
                          operation, old_values, new_values)
    ELSE json_build_array(batch, at_text, actor, reason, table_name, row_id, record_key,
                          operation, old_values, new_values, actor_id, study_id, site_code)
    END::text, 'UTF8')
$$;

-- The per-table trigger function, as in migration 0006, now writing actor_id, study_id and
-- site_code. How a table's rows find their study and site is read from its columns.
-- It runs as its owner (SECURITY DEFINER): the application's role may read the audit trail but
-- not write it (docs/store.md, "Roles"), so the trigger appends the events with the owner's
-- rights. A security-definer function must not trust its caller's search_path: its own is
-- fixed to pg_catalog, the table's schema, and pg_temp last (unlisted, pg_temp would be searched
-- first, and a caller's temporary table named audit_event would receive the events).
CREATE OR REPLACE FUNCTION audit_trigger_function(tbl regclass, VARIADIC key_columns text[]) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
  name text := (SELECT relname FROM pg_class WHERE oid = tbl);
  fn text := format('audit_rows_%s', name);
  key_expr text := (SELECT string_agg(format('coalesce(r.%I::text, '''')', c), ' || ''/'' || ')
                      FROM unnest(key_columns) c);
  has_column text[] := ARRAY(SELECT attname::text FROM pg_attribute
                               WHERE attrelid = tbl AND attnum > 0 AND NOT attisdropped);
  study_expr text := CASE WHEN 'study_id' = ANY (has_column) THEN 'r.study_id' ELSE 'NULL::text' END;
  site_join text := CASE
    WHEN 'site_code' = ANY (has_column) THEN ''
    WHEN 'subject_id' = ANY (has_column) THEN
      ' LEFT JOIN subject site_of ON site_of.study_id = r.study_id AND site_of.subject_id = r.subject_id'
    WHEN 'visit_id' = ANY (has_column) THEN
      ' LEFT JOIN visit visit_of ON visit_of.study_id = r.study_id AND visit_of.visit_id = r.visit_id'
      ' LEFT JOIN subject site_of ON site_of.study_id = visit_of.study_id AND site_of.subject_id = visit_of.subject_id'
    ELSE '' END;
  site_expr text := CASE
    WHEN 'site_code' = ANY (has_column) THEN 'r.site_code'
    WHEN site_join <> '' THEN 'site_of.site_code'
    ELSE 'NULL::text' END;
  schema_name text := (SELECT nspname FROM pg_namespace
                         WHERE oid = (SELECT relnamespace FROM pg_class WHERE oid = tbl));
  -- The subquery (OFFSET 0 keeps it from being inlined) makes each row's JSON once, not once
  -- per use.
  event_insert text := format($q$
    INSERT INTO audit_event (batch_id, occurred_at, actor, reason, table_name, row_id,
                             record_key, operation, old_values, new_values, event_hash,
                             actor_id, study_id, site_code)
    SELECT batch, at, actor, reason, %1$L, e.row_id, e.k, lower(TG_OP), e.o, e.n,
           sha256(audit_event_content(batch, at_text, actor, reason, %1$L, e.row_id, e.k,
                                      lower(TG_OP), e.o, e.n, actor_id, e.study, e.site)),
           actor_id, e.study, e.site
      FROM (SELECT r.row_id, %2$s AS k, v.o, v.n, %3$s AS study, %4$s AS site FROM $q$,
    name, key_expr, study_expr, site_expr);
BEGIN
  EXECUTE format($f$
    CREATE OR REPLACE FUNCTION %1$I() RETURNS trigger LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = pg_catalog, %4$I, pg_temp AS $body$
    DECLARE
      actor    text := nullif(btrim(current_setting('jia.actor', true)), '');
      actor_id text := nullif(btrim(current_setting('jia.actor_id', true)), '');
      reason   text := nullif(btrim(current_setting('jia.reason', true)), '');
      batch    bigint;
      at       timestamptz := statement_timestamp();
      at_text  text := to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"');
    BEGIN
      IF TG_OP = 'INSERT' THEN
        IF NOT EXISTS (SELECT 1 FROM new_rows) THEN RETURN NULL; END IF;
      ELSIF NOT EXISTS (SELECT 1 FROM old_rows) THEN
        RETURN NULL;
      END IF;
      IF actor IS NULL THEN
        RAISE EXCEPTION 'jia-trial: %% on %% without an actor', TG_OP, TG_TABLE_NAME
          USING ERRCODE = 'JT001',
                HINT = 'clinical data changes only through the store, which names who makes each change (set jia.actor)';
      END IF;
      IF TG_OP <> 'INSERT' AND reason IS NULL THEN
        RAISE EXCEPTION 'jia-trial: a reason for change is required to %% rows of %%', lower(TG_OP), TG_TABLE_NAME
          USING ERRCODE = 'JT002';
      END IF;
      -- The transaction's batch: its id (assigned by now: the statement wrote a row) plus the offset.
      batch := pg_current_xact_id()::text::bigint + (SELECT batch_offset FROM audit_batch_offset);
      IF TG_OP = 'INSERT' THEN
        %2$s new_rows r%3$s, LATERAL (SELECT NULL::json AS o, to_json(r) AS n) v OFFSET 0) e;
      ELSIF TG_OP = 'UPDATE' THEN
        %2$s new_rows r JOIN old_rows x USING (row_id)%3$s, LATERAL (SELECT to_json(x) AS o, to_json(r) AS n) v OFFSET 0) e;
      ELSE
        %2$s old_rows r%3$s, LATERAL (SELECT to_json(r) AS o, NULL::json AS n) v OFFSET 0) e;
      END IF;
      RETURN NULL;
    END
    $body$ $f$, fn, event_insert, site_join, schema_name);
  RETURN fn;
END
$$;

SELECT audit_refresh_trigger_functions();

-- save_visit (migration 0003) with the laboratory units, and the actor's id: one statement sets
-- the whole audit context. It names every column it writes (the generated *_std columns cannot
-- be written); visits.test.ts edits every field and checks that each one is stored.
DROP FUNCTION save_visit(text, jsonb, integer, text, text);
CREATE FUNCTION save_visit(p_study text, p_visit jsonb, p_based_on integer, p_actor text,
  p_reason text, p_actor_id text)
RETURNS TABLE (saved_version integer, baseline jsonb) LANGUAGE plpgsql AS $$
DECLARE
  r visit := jsonb_populate_record(NULL::visit, p_visit);
  v integer;
BEGIN
  PERFORM set_config('jia.actor', p_actor, true), set_config('jia.reason', coalesce(p_reason, ''), true),
          set_config('jia.actor_id', coalesce(p_actor_id, ''), true);
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
