-- Audit values as json, not jsonb (docs/adr/0007-audit-trail.md, docs/performance.md).
--
-- An event's old and new values are now kept as the exact text to_json() made of the row, and
-- its hash covers json_build_array(batch_id, occurred_at as ISO UTC text with microseconds,
-- actor, reason, table_name, row_id, record_key, operation, old_values, new_values)::text in
-- UTF-8, which embeds that text verbatim. jsonb cost the import of 200,000 visits about 2 s
-- more: it built each row's binary form, then serialised it again to text for the hash. Kept
-- as json, the stored bytes are the hashed bytes, and a backup restores them byte for byte.
--
-- Events written before this migration stay valid: their jsonb converts to json as jsonb's own
-- text, and json_build_array over that text gives exactly the jsonb_build_array text they were
-- hashed over (migrate.test.ts checks it on a trail written at migration 3).

ALTER TABLE audit_event
  ALTER COLUMN old_values TYPE json USING old_values::json,
  ALTER COLUMN new_values TYPE json USING new_values::json;

-- The per-table trigger function of audit_table(), made or remade on its own so that this and
-- later migrations can change what the triggers write without recreating the triggers.
CREATE FUNCTION audit_trigger_function(tbl regclass, VARIADIC key_columns text[]) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
  name text := (SELECT relname FROM pg_class WHERE oid = tbl);
  fn text := format('audit_rows_%s', name);
  key_expr text := (SELECT string_agg(format('coalesce(r.%I::text, '''')', c), ' || ''/'' || ')
                      FROM unnest(key_columns) c);
  -- The subquery (OFFSET 0 keeps it from being inlined) makes each row's JSON once, not once
  -- per use. verify-audit.ts recomputes the hash with its own copy of this expression.
  event_insert text := format($q$
    INSERT INTO audit_event (batch_id, occurred_at, actor, reason, table_name, row_id,
                             record_key, operation, old_values, new_values, event_hash)
    SELECT batch, at, actor, reason, %1$L, e.row_id, e.k, lower(TG_OP), e.o, e.n,
           sha256(convert_to(json_build_array(batch, at_text, actor, reason, %1$L, e.row_id, e.k,
                                              lower(TG_OP), e.o, e.n)::text, 'UTF8'))
      FROM (SELECT r.row_id, %2$s AS k, v.o, v.n FROM $q$, name, key_expr);
BEGIN
  EXECUTE format($f$
    CREATE OR REPLACE FUNCTION %1$I() RETURNS trigger LANGUAGE plpgsql AS $body$
    DECLARE
      actor  text := nullif(btrim(current_setting('jia.actor', true)), '');
      reason text := nullif(btrim(current_setting('jia.reason', true)), '');
      batch  bigint := nullif(current_setting('jia.audit_batch', true), '')::bigint;
      at     timestamptz := statement_timestamp();
      at_text text := to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"');
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
      -- The transaction's first audited change allocates its batch and its audit_pending row.
      IF batch IS NULL THEN
        batch := nextval('audit_batch_seq');
        PERFORM set_config('jia.audit_batch', batch::text, true);
        INSERT INTO audit_pending VALUES (batch);
      END IF;
      IF TG_OP = 'INSERT' THEN
        %2$s new_rows r, LATERAL (SELECT NULL::json AS o, to_json(r) AS n) v OFFSET 0) e;
      ELSIF TG_OP = 'UPDATE' THEN
        %2$s new_rows r JOIN old_rows x USING (row_id), LATERAL (SELECT to_json(x) AS o, to_json(r) AS n) v OFFSET 0) e;
      ELSE
        %2$s old_rows r, LATERAL (SELECT to_json(r) AS o, NULL::json AS n) v OFFSET 0) e;
      END IF;
      RETURN NULL;
    END
    $body$ $f$, fn, event_insert);
  RETURN fn;
END
$$;

-- audit_table() as in migration 0001, with the trigger function from audit_trigger_function().
CREATE OR REPLACE FUNCTION audit_table(tbl regclass, VARIADIC key_columns text[]) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  fn text := audit_trigger_function(tbl, VARIADIC key_columns);
BEGIN
  EXECUTE format('CREATE TRIGGER audit_insert AFTER INSERT ON %s REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION %I()', tbl, fn);
  EXECUTE format('CREATE TRIGGER audit_update AFTER UPDATE ON %s REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION %I()', tbl, fn);
  EXECUTE format('CREATE TRIGGER audit_delete AFTER DELETE ON %s REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION %I()', tbl, fn);
  EXECUTE format('CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON %s FOR EACH STATEMENT EXECUTE FUNCTION audit_no_truncate()', tbl);
  EXECUTE format('CREATE TRIGGER bump_version BEFORE UPDATE ON %s FOR EACH ROW EXECUTE FUNCTION bump_version()', tbl);
END
$$;

-- The audited tables of migration 0002, with the same keys.
SELECT audit_trigger_function('study', 'study_id');
SELECT audit_trigger_function('site', 'study_id', 'site_code');
SELECT audit_trigger_function('app_user', 'username');
SELECT audit_trigger_function('role_assignment', 'study_id', 'user_id', 'role', 'site_code');
SELECT audit_trigger_function('subject', 'study_id', 'subject_id');
SELECT audit_trigger_function('visit', 'study_id', 'visit_id');
SELECT audit_trigger_function('joint_finding', 'study_id', 'visit_id', 'joint_code');
SELECT audit_trigger_function('chaq_response', 'study_id', 'visit_id', 'item');
SELECT audit_trigger_function('medication', 'study_id', 'subject_id', 'drug', 'start_date');
SELECT audit_trigger_function('infusion', 'study_id', 'subject_id', 'infusion_date');
SELECT audit_trigger_function('adverse_event', 'study_id', 'ae_id');
SELECT audit_trigger_function('alert', 'study_id', 'alert_id');
SELECT audit_trigger_function('data_query', 'study_id', 'query_id');
