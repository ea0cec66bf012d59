-- The audit trail (docs/adr/0006-store-on-postgresql.md, docs/audit-trail.md).
--
-- Every INSERT, UPDATE and DELETE on an audited table appends one audit_event per row, written
-- by statement-level triggers (transition tables) in the same transaction. The actor and the
-- reason for change come from the transaction settings jia.actor and jia.reason, which the
-- store sets; a change without an actor, or an update or delete without a reason, is refused.
--
-- Tamper evidence: each event carries the SHA-256 of its own content. At commit, a deferred
-- trigger seals the transaction's events into one audit_block: the digest of its events' hashes
-- in event order, chained to the previous block's hash. audit_head holds the last block and is
-- the lock that orders blocks; it is taken only at commit. verify-audit recomputes all of it.
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
CREATE INDEX audit_event_record ON audit_event (table_name, row_id, event_id);

CREATE TABLE audit_block (
  block_seq     bigint PRIMARY KEY,
  batch_id      bigint NOT NULL UNIQUE,
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

-- One row per open transaction that wrote events; its deferred trigger seals them at commit.
CREATE TABLE audit_pending (batch_id bigint PRIMARY KEY);

-- The content an event's hash covers, as canonical jsonb text. verify-audit recomputes it with
-- its own copy of this expression rather than trusting this function.
CREATE FUNCTION audit_event_content(
  batch_id bigint, occurred_at timestamptz, actor text, reason text, table_name text,
  row_id bigint, record_key text, operation text, old_values jsonb, new_values jsonb
) RETURNS bytea LANGUAGE sql IMMUTABLE AS $$
  SELECT convert_to(jsonb_build_array(
    batch_id, to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
    actor, reason, table_name, row_id, record_key, operation, old_values, new_values
  )::text, 'UTF8')
$$;

CREATE FUNCTION audit_rows() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  actor  text := nullif(current_setting('jia.actor', true), '');
  reason text := nullif(current_setting('jia.reason', true), '');
  batch  bigint := nullif(current_setting('jia.audit_batch', true), '')::bigint;
  key_expr text;
  at timestamptz := statement_timestamp();
  touched boolean;
BEGIN
  -- Statement triggers fire for statements that change no row: those leave no trace.
  EXECUTE format('SELECT EXISTS (SELECT 1 FROM %s)', CASE TG_OP WHEN 'INSERT' THEN 'new_rows' ELSE 'old_rows' END)
    INTO touched;
  IF NOT touched THEN
    RETURN NULL;
  END IF;
  IF actor IS NULL THEN
    RAISE EXCEPTION 'jia-trial: % on % without an actor', TG_OP, TG_TABLE_NAME
      USING ERRCODE = 'JT001',
            HINT = 'clinical data changes only through the store, which names who makes each change (set jia.actor)';
  END IF;
  IF TG_OP <> 'INSERT' AND reason IS NULL THEN
    RAISE EXCEPTION 'jia-trial: a reason for change is required to % rows of %', lower(TG_OP), TG_TABLE_NAME
      USING ERRCODE = 'JT002';
  END IF;
  IF batch IS NULL THEN
    batch := nextval('audit_batch_seq');
    PERFORM set_config('jia.audit_batch', batch::text, true);
    INSERT INTO audit_pending VALUES (batch);
  END IF;
  -- The record key: the row's natural key columns (trigger arguments) joined by '/'.
  SELECT string_agg(format('r.%I::text', col), ' || ''/'' || ') INTO key_expr
    FROM unnest(TG_ARGV) AS col;
  EXECUTE format($q$
    INSERT INTO audit_event (batch_id, occurred_at, actor, reason, table_name, row_id,
                             record_key, operation, old_values, new_values, event_hash)
    SELECT $1, $2, $3, $4, %1$L, r.row_id, %2$s, %3$L, o, n,
           sha256(audit_event_content($1, $2, $3, $4, %1$L, r.row_id, %2$s, %3$L, o, n))
      FROM %4$s
  $q$, TG_TABLE_NAME, key_expr, lower(TG_OP),
    CASE TG_OP
      WHEN 'INSERT' THEN 'new_rows r, LATERAL (SELECT NULL::jsonb AS o, to_jsonb(r) AS n) v'
      WHEN 'DELETE' THEN 'old_rows r, LATERAL (SELECT to_jsonb(r) AS o, NULL::jsonb AS n) v'
      ELSE 'new_rows r JOIN old_rows x USING (row_id), LATERAL (SELECT to_jsonb(x) AS o, to_jsonb(r) AS n) v'
    END)
  USING batch, at, actor, reason;
  RETURN NULL;
END
$$;

CREATE FUNCTION audit_seal() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  digest bytea;
  n integer;
  head audit_head;
  new_hash bytea;
BEGIN
  SELECT sha256(coalesce(string_agg(event_hash, ''::bytea ORDER BY event_id), ''::bytea)), count(*)
    INTO digest, n FROM audit_event WHERE batch_id = NEW.batch_id;
  SELECT * INTO head FROM audit_head FOR UPDATE;
  new_hash := sha256(head.block_hash || int8send(head.block_seq + 1) || int8send(NEW.batch_id)
                       || int4send(n) || digest);
  INSERT INTO audit_block VALUES (head.block_seq + 1, NEW.batch_id, clock_timestamp(), n, digest,
                                  head.block_hash, new_hash);
  UPDATE audit_head SET block_seq = head.block_seq + 1, block_hash = new_hash;
  DELETE FROM audit_pending WHERE batch_id = NEW.batch_id;
  RETURN NULL;
END
$$;

CREATE CONSTRAINT TRIGGER audit_seal AFTER INSERT ON audit_pending
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION audit_seal();

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
  NEW.version := OLD.version + 1;
  RETURN NEW;
END
$$;

-- Attaches the audit triggers and the version trigger to a table, keyed by the given columns.
CREATE FUNCTION audit_table(tbl regclass, VARIADIC key_columns text[]) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE args text := (SELECT string_agg(quote_literal(c), ', ') FROM unnest(key_columns) c);
BEGIN
  EXECUTE format('CREATE TRIGGER audit_insert AFTER INSERT ON %s REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION audit_rows(%s)', tbl, args);
  EXECUTE format('CREATE TRIGGER audit_update AFTER UPDATE ON %s REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION audit_rows(%s)', tbl, args);
  EXECUTE format('CREATE TRIGGER audit_delete AFTER DELETE ON %s REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION audit_rows(%s)', tbl, args);
  EXECUTE format('CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON %s FOR EACH STATEMENT EXECUTE FUNCTION audit_no_truncate()', tbl);
  EXECUTE format('CREATE TRIGGER bump_version BEFORE UPDATE ON %s FOR EACH ROW EXECUTE FUNCTION bump_version()', tbl);
END
$$;
