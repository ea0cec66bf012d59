-- The audit trail (docs/adr/0006-store-on-postgresql.md, docs/audit-trail.md).
--
-- Every INSERT, UPDATE and DELETE on an audited table appends one audit_event per row, written
-- by statement-level triggers (transition tables) in the same transaction. The actor and the
-- reason for change come from the transaction settings jia.actor and jia.reason, which the
-- store sets; a change without an actor, or an update or delete without a reason, is refused.
--
-- Tamper evidence: each event carries the SHA-256 of its own content. Each transaction that
-- wrote events leaves one audit_pending row, committed with them; right after commit,
-- audit_seal_pending() seals the committed transactions into one audit_block: the list of
-- their batches and the digest of their event hashes in (batch, event) order, chained to the
-- previous block's hash. audit_head holds the last block. verify-audit recomputes all of it.
-- audit_event and audit_block refuse UPDATE, DELETE and TRUNCATE.

CREATE SEQUENCE audit_batch_seq;

CREATE TABLE audit_event (
  event_id    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  batch_id    bigint NOT NULL,
  occurred_at timestamptz NOT NULL,
  actor       text NOT NULL,
  reason      text,
  table_name  text NOT NULL,
  row_id      bigint NOT NULL,
  record_key  text NOT NULL,
  operation   text NOT NULL CHECK (operation IN ('insert', 'update', 'delete')),
  old_values  jsonb,
  new_values  jsonb,
  event_hash  bytea NOT NULL
);
CREATE INDEX audit_event_batch ON audit_event (batch_id);

CREATE TABLE audit_block (
  block_seq     bigint PRIMARY KEY,
  batch_ids     bigint[] NOT NULL,
  sealed_at     timestamptz NOT NULL,
  event_count   integer NOT NULL,
  events_digest bytea NOT NULL,
  prev_hash     bytea NOT NULL,
  block_hash    bytea NOT NULL
);

CREATE TABLE audit_head (
  singleton  boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  block_seq  bigint NOT NULL,
  block_hash bytea NOT NULL
);
INSERT INTO audit_head VALUES (true, 0, '\x0000000000000000000000000000000000000000000000000000000000000000');

-- One row per transaction that wrote events and is not sealed yet.
CREATE TABLE audit_pending (batch_id bigint PRIMARY KEY);

-- Seals the committed, unsealed transactions (at most max_batches of them, in batch order)
-- into one block, and returns how many; -1 when another session is sealing and wait is false.
-- It runs right after commit (the store calls it in the background after each write; open,
-- close and verify-audit call it too), so that writers never wait for each other on the chain
-- head: one sealing transaction links the work of every writer that committed meanwhile
-- (docs/adr/0007-audit-trail.md).
CREATE FUNCTION audit_seal_pending(max_batches integer, wait boolean) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
  head audit_head;
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
  SELECT array_agg(batch_id ORDER BY batch_id) INTO batches
    FROM (SELECT batch_id FROM audit_pending ORDER BY batch_id LIMIT max_batches) p;
  IF batches IS NULL THEN
    RETURN 0;
  END IF;
  SELECT sha256(coalesce(string_agg(event_hash, ''::bytea ORDER BY batch_id, event_id), ''::bytea)),
         count(*)::integer
    INTO digest, n FROM audit_event WHERE batch_id = ANY (batches);
  DELETE FROM audit_pending WHERE batch_id = ANY (batches);
  IF n = 0 THEN
    RETURN cardinality(batches);
  END IF;
  SELECT * INTO head FROM audit_head FOR UPDATE;
  new_hash := sha256(head.block_hash || int8send(head.block_seq + 1) || int4send(n) || digest
                     || audit_batch_bytes(batches));
  INSERT INTO audit_block VALUES (head.block_seq + 1, batches, clock_timestamp(), n, digest,
                                  head.block_hash, new_hash);
  UPDATE audit_head SET block_seq = head.block_seq + 1, block_hash = new_hash;
  RETURN cardinality(batches);
END
$$;

-- The batch ids of a block as bytes for its hash: each an 8-byte big-endian integer.
CREATE FUNCTION audit_batch_bytes(batches bigint[]) RETURNS bytea LANGUAGE sql IMMUTABLE AS $$
  SELECT coalesce(string_agg(int8send(b), ''::bytea ORDER BY o), ''::bytea)
    FROM unnest(batches) WITH ORDINALITY AS t(b, o)
$$;

CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'jia-trial: the audit trail is append-only: % on % refused', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'JT003';
END
$$;
CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event
  FOR EACH ROW EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event
  FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_block_append_only BEFORE UPDATE OR DELETE ON audit_block
  FOR EACH ROW EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_block_no_truncate BEFORE TRUNCATE ON audit_block
  FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();

CREATE FUNCTION audit_no_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'jia-trial: TRUNCATE on % refused: it would change data without an audit event', TG_TABLE_NAME
    USING ERRCODE = 'JT003';
END
$$;

-- Every audited row has a version: each update increments it (optimistic concurrency, whatever
-- the statement says).
CREATE FUNCTION bump_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- row_id is the record's identity in the audit trail: it never changes.
  IF NEW.row_id IS DISTINCT FROM OLD.row_id THEN
    RAISE EXCEPTION 'jia-trial: row_id of % cannot change', TG_TABLE_NAME USING ERRCODE = 'JT004';
  END IF;
  NEW.version := OLD.version + 1;
  RETURN NEW;
END
$$;

-- Attaches the audit triggers and the version trigger to a table, keyed by the given columns.
-- Each table gets its own trigger function with static SQL (its plans are cached per session;
-- a generic function building its statement with EXECUTE would plan it on every statement).
-- A statement that changes no row (statement triggers fire for those too) leaves no trace.
CREATE FUNCTION audit_table(tbl regclass, VARIADIC key_columns text[]) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  name text := (SELECT relname FROM pg_class WHERE oid = tbl);
  fn text := format('audit_rows_%s', name);
  key_expr text := (SELECT string_agg(format('coalesce(r.%I::text, '''')', c), ' || ''/'' || ')
                      FROM unnest(key_columns) c);
  -- An event's hash covers jsonb_build_array(batch_id, occurred_at as ISO UTC text with
  -- microseconds, actor, reason, table_name, row_id, record_key, operation, old_values,
  -- new_values)::text in UTF-8 (verify-audit.ts recomputes exactly this). The subquery (OFFSET 0
  -- keeps it from being inlined) makes each row's JSON once, not once per use.
  event_insert text := format($q$
    INSERT INTO audit_event (batch_id, occurred_at, actor, reason, table_name, row_id,
                             record_key, operation, old_values, new_values, event_hash)
    SELECT batch, at, actor, reason, %1$L, e.row_id, e.k, lower(TG_OP), e.o, e.n,
           sha256(convert_to(jsonb_build_array(batch, at_text, actor, reason, %1$L, e.row_id, e.k,
                                               lower(TG_OP), e.o, e.n)::text, 'UTF8'))
      FROM (SELECT r.row_id, %2$s AS k, v.o, v.n FROM $q$, name, key_expr);
BEGIN
  EXECUTE format($f$
    CREATE FUNCTION %1$I() RETURNS trigger LANGUAGE plpgsql AS $body$
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
        %2$s new_rows r, LATERAL (SELECT NULL::jsonb AS o, to_jsonb(r) AS n) v OFFSET 0) e;
      ELSIF TG_OP = 'UPDATE' THEN
        %2$s new_rows r JOIN old_rows x USING (row_id), LATERAL (SELECT to_jsonb(x) AS o, to_jsonb(r) AS n) v OFFSET 0) e;
      ELSE
        %2$s old_rows r, LATERAL (SELECT to_jsonb(r) AS o, NULL::jsonb AS n) v OFFSET 0) e;
      END IF;
      RETURN NULL;
    END
    $body$ $f$, fn, event_insert);
  EXECUTE format('CREATE TRIGGER audit_insert AFTER INSERT ON %s REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION %I()', tbl, fn);
  EXECUTE format('CREATE TRIGGER audit_update AFTER UPDATE ON %s REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION %I()', tbl, fn);
  EXECUTE format('CREATE TRIGGER audit_delete AFTER DELETE ON %s REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION %I()', tbl, fn);
  EXECUTE format('CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON %s FOR EACH STATEMENT EXECUTE FUNCTION audit_no_truncate()', tbl);
  EXECUTE format('CREATE TRIGGER bump_version BEFORE UPDATE ON %s FOR EACH ROW EXECUTE FUNCTION bump_version()', tbl);
END
$$;
