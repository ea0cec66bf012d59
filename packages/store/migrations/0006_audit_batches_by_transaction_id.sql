-- Audit batches numbered by transaction id; no audit_pending row (docs/adr/0007-audit-trail.md,
-- docs/audit-trail.md, docs/performance.md).
--
-- Up to migration 5 each transaction that wrote events took a batch number from a sequence and
-- wrote an audit_pending row, which the sealer deleted: two more writes per transaction, and a
-- table to vacuum. Now a transaction's batch is its transaction id plus audit_batch_offset's
-- offset (its own table: every audited statement reads it, and audit_head, which every seal
-- updates, would make each read walk the dead versions of its row),
-- and the sealer finds the committed, unsealed work by range: every transaction whose id is
-- below the oldest one still running (pg_snapshot_xmin) has ended, so its batches, from
-- audit_head.sealed_below up to that horizon, are final: those of committed transactions are
-- visible, those of rolled-back ones are gone. A long-running writer holds the horizon back;
-- work committed meanwhile is sealed when it ends. batch_offset keeps every new batch above
-- every batch already written (sequence numbers before this migration, another cluster's
-- transaction ids after a restore: audit_continue_batches()).

-- Work committed under the old scheme is sealed first, with the old function.
SELECT audit_seal_pending(2147483647, true);

ALTER TABLE audit_head ADD COLUMN sealed_below bigint NOT NULL DEFAULT 0;

CREATE TABLE audit_batch_offset (
  singleton    boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  batch_offset bigint NOT NULL
);
INSERT INTO audit_batch_offset VALUES (true, 0);

-- New batches start above every existing one (and the sealed horizon).
CREATE FUNCTION audit_continue_batches() RETURNS void LANGUAGE sql AS $$
  UPDATE audit_batch_offset SET
    batch_offset = greatest(batch_offset, coalesce((SELECT max(batch_id) FROM audit_event), 0) + 1,
                            (SELECT sealed_below FROM audit_head));
$$;
SELECT audit_continue_batches();
-- Everything below the horizon is sealed now.
UPDATE audit_head SET sealed_below = (SELECT batch_offset FROM audit_batch_offset)
                                     + pg_snapshot_xmin(pg_current_snapshot())::text::bigint;

-- Seals the committed, unsealed transactions (at most max_batches of them, in batch order)
-- into one block, and returns how many; -1 when another session is sealing and wait is false.
CREATE OR REPLACE FUNCTION audit_seal_pending(max_batches integer, wait boolean) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
  head audit_head;
  horizon bigint;
  upto bigint;
  batches bigint[];
  digest bytea;
  n integer;
  new_hash bytea;
BEGIN
  IF wait THEN
    PERFORM pg_advisory_xact_lock(741852964);
  ELSIF NOT pg_try_advisory_xact_lock(741852964) THEN
    RETURN -1;
  END IF;
  SELECT * INTO head FROM audit_head FOR UPDATE;
  horizon := (SELECT batch_offset FROM audit_batch_offset)
             + pg_snapshot_xmin(pg_current_snapshot())::text::bigint;
  -- The distinct batches in the range, by probing the batch index once per batch (a loose
  -- index scan): an import is one batch of 200,000 events, which DISTINCT would sort.
  WITH RECURSIVE b(id) AS (
    SELECT min(batch_id) FROM audit_event WHERE batch_id >= head.sealed_below AND batch_id < horizon
    UNION ALL
    SELECT (SELECT min(batch_id) FROM audit_event WHERE batch_id > b.id AND batch_id < horizon)
      FROM b WHERE b.id IS NOT NULL
  )
  SELECT array_agg(id ORDER BY id) INTO batches
    FROM (SELECT id FROM b WHERE id IS NOT NULL ORDER BY id LIMIT max_batches) x;
  IF batches IS NULL THEN
    IF horizon > head.sealed_below THEN
      UPDATE audit_head SET sealed_below = horizon;
    END IF;
    RETURN 0;
  END IF;
  -- A full block stops after its last batch; the next seal continues from there.
  upto := CASE WHEN cardinality(batches) = max_batches THEN batches[max_batches] + 1 ELSE horizon END;
  SELECT sha256(coalesce(string_agg(event_hash, ''::bytea ORDER BY batch_id, event_id), ''::bytea)),
         count(*)::integer
    INTO digest, n FROM audit_event WHERE batch_id >= head.sealed_below AND batch_id < upto;
  new_hash := sha256(head.block_hash || int8send(head.block_seq + 1) || int4send(n) || digest
                     || audit_batch_bytes(batches));
  INSERT INTO audit_block VALUES (head.block_seq + 1, batches, clock_timestamp(), n, digest,
                                  head.block_hash, new_hash);
  UPDATE audit_head SET block_seq = head.block_seq + 1, block_hash = new_hash, sealed_below = upto;
  RETURN cardinality(batches);
END
$$;

DROP TABLE audit_pending;
DROP SEQUENCE audit_batch_seq;

-- Each audited table's key columns, so that a migration can regenerate every trigger function
-- (audit_refresh_trigger_functions) without listing the tables again.
CREATE TABLE audit_table_key (
  table_name  regclass PRIMARY KEY,
  key_columns text[] NOT NULL
);
INSERT INTO audit_table_key VALUES
  ('study', '{study_id}'),
  ('site', '{study_id,site_code}'),
  ('app_user', '{username}'),
  ('role_assignment', '{study_id,user_id,role,site_code}'),
  ('subject', '{study_id,subject_id}'),
  ('visit', '{study_id,visit_id}'),
  ('joint_finding', '{study_id,visit_id,joint_code}'),
  ('chaq_response', '{study_id,visit_id,item}'),
  ('medication', '{study_id,subject_id,drug,start_date}'),
  ('infusion', '{study_id,subject_id,infusion_date}'),
  ('adverse_event', '{study_id,ae_id}'),
  ('alert', '{study_id,alert_id}'),
  ('data_query', '{study_id,query_id}'),
  ('eligibility_assessment', '{study_id,subject_id,criterion_id}');

-- The per-table trigger function, as in migration 0004 but for the batch: the transaction id
-- plus the offset, and no audit_pending row.
CREATE OR REPLACE FUNCTION audit_trigger_function(tbl regclass, VARIADIC key_columns text[]) RETURNS text
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
      batch  bigint;
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
      -- The transaction's batch: its id (assigned by now: the statement wrote a row) plus the offset.
      batch := pg_current_xact_id()::text::bigint + (SELECT batch_offset FROM audit_batch_offset);
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

CREATE FUNCTION audit_refresh_trigger_functions() RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  t audit_table_key;
BEGIN
  FOR t IN SELECT * FROM audit_table_key LOOP
    PERFORM audit_trigger_function(t.table_name, VARIADIC t.key_columns);
  END LOOP;
END
$$;

-- audit_table() now also records the table's keys.
CREATE OR REPLACE FUNCTION audit_table(tbl regclass, VARIADIC key_columns text[]) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  fn text := audit_trigger_function(tbl, VARIADIC key_columns);
BEGIN
  INSERT INTO audit_table_key VALUES (tbl, key_columns);
  EXECUTE format('CREATE TRIGGER audit_insert AFTER INSERT ON %s REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION %I()', tbl, fn);
  EXECUTE format('CREATE TRIGGER audit_update AFTER UPDATE ON %s REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION %I()', tbl, fn);
  EXECUTE format('CREATE TRIGGER audit_delete AFTER DELETE ON %s REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION %I()', tbl, fn);
  EXECUTE format('CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON %s FOR EACH STATEMENT EXECUTE FUNCTION audit_no_truncate()', tbl);
  EXECUTE format('CREATE TRIGGER bump_version BEFORE UPDATE ON %s FOR EACH ROW EXECUTE FUNCTION bump_version()', tbl);
END
$$;

SELECT audit_refresh_trigger_functions();
