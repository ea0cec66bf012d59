/**
 * `jia-trial randomisation verify`: the sealed list is the one that was generated. Read as the
 * owner (the runtime role cannot read the entries or the seed: migration 0026_random), it
 * 1. recomputes the digest of the stored entries and compares it with the audited header's;
 * 2. compares the stored seed's digest with the header's;
 * 3. regenerates the list from the seed by the protocol's rule and compares it, entry by entry
 *    (the same digest), so that a list is shown to follow from its recorded seed.
 * It never prints an entry or an arm: a problem names a stratum and a sequence only.
 */

import { JiaError } from '@jia-trial/errors';
import {
  type AllocationEntry,
  allocationListDigest,
  generateAllocationList,
  type ProtocolDefinition,
} from '@jia-trial/protocol';
import type pg from 'pg';
import { notFound } from '../errors.js';
import { type AllocationListHeader, randomisationOf, readAllocationList } from './randomisation.js';

export interface ListVerification {
  readonly ok: boolean;
  readonly header: AllocationListHeader;
  /** The digest of the stored entries, recomputed. */
  readonly storedDigest: string;
  readonly digestMatches: boolean;
  readonly seedMatches: boolean;
  /** The list regenerated from the seed is the stored one (null: no protocol given to regenerate). */
  readonly regenerated: boolean | null;
  readonly problems: readonly string[];
}

/** Verifies the study's sealed list; `owner` must connect as the owner (Store.ownerPool()). */
export async function verifyAllocationList(
  owner: Pick<pg.ClientBase, 'query'>,
  studyId: string,
  protocol: ProtocolDefinition | null,
): Promise<ListVerification> {
  const header = await readAllocationList(owner, studyId);
  if (!header) throw notFound(`study ${studyId} has no allocation list`);
  const readable = await owner.query<{ yes: boolean }>(
    "SELECT has_table_privilege('randomisation_entry', 'SELECT') AND has_table_privilege('randomisation_seed', 'SELECT') AS yes",
  );
  if (readable.rows[0]?.yes !== true)
    throw new JiaError(
      'PERMISSION_DENIED',
      "the sealed allocation list is readable only by the database's owner, and this connection is the application's: on an external server, set JIA_OWNER_DATABASE_URL to the owner's connection (docs/store.md, \"Roles\"; ADR 0047)",
    );
  const stored = await owner.query<{
    stratum: string;
    sequence: number;
    block: number;
    block_size: number;
    arm: string;
  }>(
    'SELECT stratum, sequence, block, block_size, arm FROM randomisation_entry WHERE study_id = $1',
    [studyId],
  );
  const entries: AllocationEntry[] = stored.rows.map((r) => ({
    stratum: r.stratum,
    sequence: r.sequence,
    block: r.block,
    blockSize: r.block_size,
    arm: r.arm,
  }));
  const storedDigest = allocationListDigest(entries);
  const seed = await owner.query<{ seed: string; digest: string }>(
    "SELECT seed, encode(sha256(convert_to(seed, 'UTF8')), 'hex') AS digest FROM randomisation_seed WHERE study_id = $1",
    [studyId],
  );
  const problems: string[] = [];
  const digestMatches = storedDigest === header.listDigest;
  if (!digestMatches)
    problems.push(
      `the stored entries' digest ${storedDigest} is not the recorded list digest ${header.listDigest}: the list was changed after it was sealed`,
    );
  if (entries.length !== header.entryCount)
    problems.push(`${entries.length} entries are stored, the header records ${header.entryCount}`);
  const seedRow = seed.rows[0];
  const seedMatches = seedRow?.digest === header.seedDigest;
  if (!seedMatches)
    problems.push(
      seedRow
        ? `the stored seed's digest ${seedRow.digest} is not the recorded seed digest ${header.seedDigest}`
        : 'the seed is missing',
    );
  let regenerated: boolean | null = null;
  if (protocol && seedRow) {
    if (protocol.id !== header.protocol.id || protocol.version !== header.protocol.version)
      problems.push(
        `the list was generated under protocol ${header.protocol.id} ${header.protocol.version}, not ${protocol.id} ${protocol.version}: regenerate with that one`,
      );
    const again = generateAllocationList(randomisationOf(protocol), seedRow.seed);
    regenerated = allocationListDigest(again) === header.listDigest;
    if (!regenerated)
      problems.push(
        `the list regenerated from the seed under protocol ${protocol.id} ${protocol.version} differs from the recorded one`,
      );
  }
  return {
    ok: problems.length === 0,
    header,
    storedDigest,
    digestMatches,
    seedMatches,
    regenerated,
    problems,
  };
}
