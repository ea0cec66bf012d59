-- Audit hash format 2: events bound to their position, and who holds the sealed horizon back
-- (issue 15; docs/adr/0024-audit-hash-format-2.md, docs/audit-trail.md).
--
-- ## 1. Blocks cover event ids (format 2)
--
-- Up to here a block's events_digest was SHA-256 of its events' hashes in (batch, event) order,
-- and no hash covered event_id: exchanging the ids of two events of different batches changed
-- no digest, and made the earlier correction of a record its "latest" event (the reordering
-- attack of issue 15). From this migration on, a block records its hash_format, and a format-2
-- block's
--   events_digest = SHA-256 of (event_id as 8 bytes big-endian ‖ event_hash) per event, in
--                   (batch, event) order;
--   block_hash    = SHA-256(hash_format as 2 bytes ‖ prev_hash ‖ block_seq ‖ event_count ‖
--                   events_digest ‖ the batch ids), integers big-endian (2, 8, 4, 8 bytes).
-- Blocks sealed before it keep format 1 and verify as they were sealed: re-sealing them would
-- change every hash after them, and a head kept outside the database (a DSMB minute, a signed
-- anchor) would no longer be found in the chain. verify-audit refuses a format-1 block after a
-- format-2 one (a downgrade is a rewrite). Event hashes are unchanged (their content already
-- fixes the batch; the id is fixed by the block), so the triggers stay as they are.
--
-- Work committed under format 1 is sealed first, with the old sealer.
SELECT audit_seal_pending(2147483647, true);

ALTER TABLE audit_block ADD COLUMN hash_format smallint NOT NULL DEFAULT 1
  CONSTRAINT audit_block_hash_format CHECK (hash_format IN (1, 2));
ALTER TABLE audit_block ALTER COLUMN hash_format DROP DEFAULT;

-- verify-audit reads the events in (batch, event) order, a page at a time; the sealer's probes
-- by batch use the same index.
CREATE INDEX audit_event_batch_event ON audit_event (batch_id, event_id);
DROP INDEX audit_event_batch;

-- The sealer of migration 0008, sealing format-2 blocks.
CREATE OR REPLACE FUNCTION audit_seal_pending(max_batches integer, wait boolean) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER AS $$
DECLARE
  head audit_head;
  horizon bigint;
  upto bigint;
  batches bigint[];
  digest bytea;
  n integer;
  new_hash bytea;
BEGIN
  IF max_batches IS NULL OR max_batches < 1 OR wait IS NULL THEN
    RAISE EXCEPTION 'jia-trial: audit_seal_pending(%, %): max_batches must be at least 1 and wait true or false', max_batches, wait
      USING ERRCODE = '22023';
  END IF;
  IF wait THEN
    PERFORM pg_advisory_xact_lock(741852964);
  ELSIF NOT pg_try_advisory_xact_lock(741852964) THEN
    RETURN -1;
  END IF;
  SELECT * INTO head FROM audit_head FOR UPDATE;
  horizon := (SELECT batch_offset FROM audit_batch_offset)
             + pg_snapshot_xmin(pg_current_snapshot())::text::bigint;
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
  upto := CASE WHEN cardinality(batches) = max_batches THEN batches[max_batches] + 1 ELSE horizon END;
  SELECT sha256(coalesce(string_agg(int8send(event_id) || event_hash, ''::bytea
                                    ORDER BY batch_id, event_id), ''::bytea)),
         count(*)::integer
    INTO digest, n FROM audit_event WHERE batch_id >= head.sealed_below AND batch_id < upto;
  new_hash := sha256(int2send(2::smallint) || head.block_hash || int8send(head.block_seq + 1)
                     || int4send(n) || digest || audit_batch_bytes(batches));
  INSERT INTO audit_block (block_seq, batch_ids, sealed_at, event_count, events_digest, prev_hash,
                           block_hash, hash_format)
    VALUES (head.block_seq + 1, batches, clock_timestamp(), n, digest, head.block_hash, new_hash, 2);
  UPDATE audit_head SET block_seq = head.block_seq + 1, block_hash = new_hash, sealed_below = upto;
  RETURN cardinality(batches);
END
$$;

-- ## 2. Who holds the sealed horizon back
--
-- Work is sealed once every older transaction has ended (migration 0006); one left open holds
-- every later event unsealed, without bound. verify-audit, the commands and the server's health
-- report the unsealed events and, through this function, the open transaction (or prepared
-- transaction) with the oldest transaction id on the server: its process id, role, application
-- and client, when it began, never its statement (which may hold clinical data). It runs as the
-- owner, who sees other roles' sessions when a superuser or a member of pg_read_all_stats (the
-- embedded server's owner is); for others pg_stat_activity hides the transaction id, and the
-- function finds nothing.
CREATE FUNCTION audit_horizon_holder()
RETURNS TABLE (pid integer, role_name text, application_name text, client_addr text,
               database_name text, state text, xact_start timestamptz, prepared boolean)
LANGUAGE sql STABLE SECURITY DEFINER AS $$
  SELECT pid, role_name, application_name, client_addr, database_name, state, xact_start, prepared
    FROM (
      SELECT a.pid, a.usename::text AS role_name, a.application_name, a.client_addr::text AS client_addr,
             a.datname::text AS database_name, a.state, a.xact_start, false AS prepared,
             age(a.backend_xid) AS xid_age
        FROM pg_stat_activity a
       WHERE a.backend_xid IS NOT NULL AND a.pid <> pg_backend_pid()
      UNION ALL
      SELECT NULL, p.owner::text, p.gid, NULL, p.database::text, 'prepared', p.prepared, true,
             age(p.transaction)
        FROM pg_prepared_xacts p
    ) t
   ORDER BY xid_age DESC
   LIMIT 1
$$;

DO $$
BEGIN
  EXECUTE format('ALTER FUNCTION audit_seal_pending(integer, boolean) SET search_path = pg_catalog, %I, pg_temp',
                 current_schema());
  EXECUTE 'ALTER FUNCTION audit_horizon_holder() SET search_path = pg_catalog, pg_temp';
END
$$;
