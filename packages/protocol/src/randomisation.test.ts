import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { isJiaError } from '@jia-trial/errors';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import {
  type AllocationEntry,
  allocationDraws,
  allocationListDigest,
  canonicalAllocationList,
  generateAllocationList,
  strataOf,
  stratumOf,
} from './randomisation.js';
import { type RandomisationSpec, randomisationSchema } from './randomisation-schema.js';

const SEED = '5eed'.repeat(16); // 32 bytes
const OTHER_SEED = '0123456789abcdef'.repeat(4);

/** 1:1, blocks of 2, 4 or 6, stratified by two ILAR groups (a withdrawal trial's shape). */
const ONE_TO_ONE: RandomisationSpec = randomisationSchema.parse({
  arms: [
    { id: 'continue', label: 'Continue the drug', ratio: 1 },
    { id: 'placebo', label: 'Placebo', ratio: 1 },
  ],
  blockSizes: [2, 4, 6],
  strata: [
    {
      field: 'ilar_category',
      groups: {
        systemic: ['systemic'],
        polyarticular: [
          'polyarticular_rf_negative',
          'polyarticular_rf_positive',
          'oligoarticular_extended',
        ],
      },
    },
  ],
  step: { visit: 'W16' },
  listLengthPerStratum: 40,
  blindedRoles: ['investigator'],
  unblindingRoles: ['investigator'],
});

/** 2:1, blocks of 3 or 6, by sex (every code its own level) crossed with two ILAR groups. */
const TWO_TO_ONE: RandomisationSpec = randomisationSchema.parse({
  arms: [
    { id: 'active', label: 'Active', ratio: 2 },
    { id: 'placebo', label: 'Placebo', ratio: 1 },
  ],
  blockSizes: [3, 6],
  strata: [
    { field: 'sex' },
    {
      field: 'ilar_category',
      groups: { systemic: ['systemic'], other: ['psoriatic', 'enthesitis_related'] },
    },
  ],
  step: { visit: 'W16' },
  listLengthPerStratum: 300,
  blindedRoles: [],
  unblindingRoles: [],
});

const inStratum = (list: readonly AllocationEntry[], stratum: string) =>
  list.filter((e) => e.stratum === stratum);
const blocksOf = (entries: readonly AllocationEntry[]) => {
  const blocks = new Map<number, AllocationEntry[]>();
  for (const e of entries) blocks.set(e.block, [...(blocks.get(e.block) ?? []), e]);
  return [...blocks.values()];
};

describe('the allocation list is fixed by the spec and the seed', () => {
  test('golden list: the first twelve allocations of the systemic stratum, and the digest of the whole list', () => {
    // Frozen from this implementation and reproduced by scripts/allocation-list.py (the
    // Python test below): a change to the generator that changes any allocation fails here.
    const list = generateAllocationList(ONE_TO_ONE, SEED);
    assert.deepEqual(
      inStratum(list, 'ilar_category=systemic')
        .slice(0, 12)
        .map((e) => `${e.sequence}:${e.block}/${e.blockSize}:${e.arm}`),
      GOLDEN_SYSTEMIC_FIRST_12,
    );
    assert.equal(allocationListDigest(list), GOLDEN_DIGEST);
  });

  test('the same spec and seed give the same list; another seed another list', () => {
    const list = generateAllocationList(ONE_TO_ONE, SEED);
    assert.deepEqual(generateAllocationList(ONE_TO_ONE, SEED), list);
    const other = generateAllocationList(ONE_TO_ONE, OTHER_SEED);
    assert.notEqual(allocationListDigest(other), allocationListDigest(list));
  });

  test('an independent implementation with node:crypto, following the ADR word for word, gives the same list', () => {
    for (const [spec, seed] of [
      [ONE_TO_ONE, SEED],
      [TWO_TO_ONE, OTHER_SEED],
    ] as const)
      assert.equal(
        canonicalAllocationList(generateAllocationList(spec, seed)),
        canonicalAllocationList(referenceList(spec, seed)),
      );
  });

  test('scripts/allocation-list.py (Python standard library only) reproduces the list and its digest', () => {
    const dir = mkdtempSync(join(tmpdir(), 'allocation-'));
    try {
      for (const [spec, seed] of [
        [ONE_TO_ONE, SEED],
        [TWO_TO_ONE, OTHER_SEED],
      ] as const) {
        const file = join(dir, 'randomisation.json');
        writeFileSync(file, JSON.stringify(spec));
        const run = spawnSync(
          'python3',
          [new URL('../../../scripts/allocation-list.py', import.meta.url).pathname, file, seed],
          { encoding: 'utf8' },
        );
        assert.equal(run.status, 0, run.stderr);
        const list = generateAllocationList(spec, seed);
        assert.equal(run.stdout, canonicalAllocationList(list));
        assert.equal(run.stderr.trim(), allocationListDigest(list));
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('blocks', () => {
  const lists = [
    [ONE_TO_ONE, generateAllocationList(ONE_TO_ONE, SEED)],
    [TWO_TO_ONE, generateAllocationList(TWO_TO_ONE, SEED)],
  ] as const;

  test('every block holds each arm exactly ratio x size / (sum of ratios) times', () => {
    for (const [spec, list] of lists)
      for (const stratum of strataOf(spec))
        for (const block of blocksOf(inStratum(list, stratum))) {
          const size = block[0]?.blockSize ?? 0;
          assert.equal(block.length, size);
          const sum = spec.arms.reduce((s, a) => s + a.ratio, 0);
          for (const arm of spec.arms)
            assert.equal(
              block.filter((e) => e.arm === arm.id).length,
              (arm.ratio * size) / sum,
              `${stratum} block ${block[0]?.block}`,
            );
        }
  });

  test('block sizes come only from the list, and they vary: every size occurs', () => {
    for (const [spec, list] of lists) {
      const sizes = new Set(list.map((e) => e.blockSize));
      assert.deepEqual(
        [...sizes].sort((a, b) => a - b),
        [...spec.blockSizes].sort((a, b) => a - b),
      );
      for (const stratum of strataOf(spec)) {
        const perBlock = blocksOf(inStratum(list, stratum)).map((b) => b[0]?.blockSize);
        assert.ok(new Set(perBlock).size > 1, `${stratum}: one block size only`);
      }
    }
  });

  test('each stratum is numbered 1..n and ends on a whole block at or just past the length', () => {
    for (const [spec, list] of lists)
      for (const stratum of strataOf(spec)) {
        const entries = inStratum(list, stratum);
        assert.deepEqual(
          entries.map((e) => e.sequence),
          entries.map((_, i) => i + 1),
        );
        const last = blocksOf(entries).at(-1) ?? [];
        const beforeLast = entries.length - last.length;
        assert.ok(entries.length >= spec.listLengthPerStratum);
        assert.ok(beforeLast < spec.listLengthPerStratum, `${stratum}: a block too many`);
      }
  });

  test('the arms are shuffled within blocks: both orders of a 1:1 block of 2 occur, about equally', () => {
    const spec = { ...ONE_TO_ONE, blockSizes: [2], strata: [], listLengthPerStratum: 4000 };
    const firsts = blocksOf(generateAllocationList(spec, SEED)).map((b) => b[0]?.arm);
    const continueFirst = firsts.filter((a) => a === 'continue').length;
    // 2000 blocks, p = 1/2: the mean 1000, sd 22.4; 4.5 sd either side.
    assert.ok(Math.abs(continueFirst - 1000) < 100, `${continueFirst} of 2000`);
  });
});

describe('strata', () => {
  test('strataOf crosses the factors in the protocol order; no strata is the single stratum all', () => {
    assert.deepEqual(strataOf(TWO_TO_ONE), [
      'sex=F;ilar_category=systemic',
      'sex=F;ilar_category=other',
      'sex=M;ilar_category=systemic',
      'sex=M;ilar_category=other',
      'sex=U;ilar_category=systemic',
      'sex=U;ilar_category=other',
    ]);
    assert.deepEqual(strataOf({ ...ONE_TO_ONE, strata: [] }), ['all']);
    assert.equal(
      strataOf({ ...ONE_TO_ONE, strata: [{ field: 'ilar_category' }] }).length,
      8,
      'every ILAR category its own stratum',
    );
  });

  test('strata are independent: a stratum gets the same list whatever the other strata are', () => {
    const systemic = inStratum(generateAllocationList(ONE_TO_ONE, SEED), 'ilar_category=systemic');
    const regrouped = {
      ...ONE_TO_ONE,
      strata: [
        {
          field: 'ilar_category',
          groups: {
            other: ['psoriatic'],
            systemic: ['systemic'],
            poly: ['polyarticular_rf_positive'],
          },
        },
      ],
    };
    assert.deepEqual(
      inStratum(generateAllocationList(regrouped, SEED), 'ilar_category=systemic'),
      systemic,
    );
    const poly = inStratum(generateAllocationList(ONE_TO_ONE, SEED), 'ilar_category=polyarticular');
    assert.notDeepEqual(
      poly.map((e) => e.arm),
      systemic.map((e) => e.arm),
    );
  });

  test('stratumOf: grouped levels, codes as levels, crossed factors', () => {
    assert.equal(
      stratumOf(ONE_TO_ONE, { ilar_category: 'oligoarticular_extended' }),
      'ilar_category=polyarticular',
    );
    assert.equal(
      stratumOf(TWO_TO_ONE, { sex: 'M', ilar_category: 'enthesitis_related', site: 'X' }),
      'sex=M;ilar_category=other',
    );
    assert.equal(stratumOf({ ...ONE_TO_ONE, strata: [] }, {}), 'all');
  });

  test('stratumOf: a missing field or a value in no level is VALIDATION_FAILED naming the field and value', () => {
    const refused = (subject: Record<string, string | null | undefined>) => {
      try {
        stratumOf(TWO_TO_ONE, subject);
      } catch (error) {
        assert.ok(isJiaError(error, 'VALIDATION_FAILED'));
        return error.issues.map((i) => `${i.path}: ${i.message}`);
      }
      assert.fail('expected a refusal');
    };
    assert.deepEqual(refused({ ilar_category: 'systemic' }), [
      'sex: missing: the randomisation is stratified by it',
    ]);
    assert.deepEqual(refused({ sex: '', ilar_category: null }), [
      'sex: missing: the randomisation is stratified by it',
      'ilar_category: missing: the randomisation is stratified by it',
    ]);
    assert.deepEqual(refused({ sex: 'X', ilar_category: 'undifferentiated' }), [
      'sex: "X" fits no stratum level (F, M, U)',
      'ilar_category: "undifferentiated" fits no stratum level (systemic: systemic; other: psoriatic, enthesitis_related)',
    ]);
    assert.deepEqual(refused({ sex: 'F', ilar_category: 'toString' }), [
      'ilar_category: "toString" fits no stratum level (systemic: systemic; other: psoriatic, enthesitis_related)',
    ]);
  });
});

describe('the random stream', () => {
  test('the HMAC-SHA256 it uses (@noble/hashes) gives RFC 4231 test case 2 and agrees with node:crypto', () => {
    const rfc4231 = '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843';
    const key = utf8ToBytes('Jefe');
    const data = utf8ToBytes('what do ya want for nothing?');
    assert.equal(bytesToHex(hmac(sha256, key, data)), rfc4231);
    assert.equal(
      createHmac('sha256', 'Jefe').update('what do ya want for nothing?').digest('hex'),
      rfc4231,
    );
    for (let i = 0; i < 200; i += 1) {
      const k = randomBytes(i % 80);
      const m = randomBytes(i);
      assert.equal(bytesToHex(hmac(sha256, k, m)), createHmac('sha256', k).update(m).digest('hex'));
    }
  });

  test('its words are HMAC-SHA256(seed bytes, "stratum\\ncounter"), first 4 bytes big-endian', () => {
    const draw = allocationDraws(SEED, 'all');
    const key = Buffer.from(SEED, 'hex');
    for (let k = 0; k < 50; k += 1) {
      const word = createHmac('sha256', key).update(`all\n${k}`).digest().readUInt32BE(0);
      assert.equal(draw(2 ** 32), word);
    }
  });

  test('rejection sampling: with n = 3 x 2^30, a quarter of the words is rejected and the thirds stay equal', () => {
    // Without rejection, w mod n would put the top quarter of the words (3 x 2^30 and above)
    // into the first third: P(first third) = 1/2 instead of 1/3.
    const n = 3 * 2 ** 30;
    const draw = allocationDraws(SEED, 'all');
    const counts = [0, 0, 0];
    const draws = 30_000;
    for (let i = 0; i < draws; i += 1) tally(counts, Math.floor(draw(n) / 2 ** 30));
    assertUniform(counts, draws);
    // The rejected words are used up: the stream goes on with the next word.
    const words = allocationDraws(SEED, 'all');
    const again = allocationDraws(SEED, 'all');
    let rejected = 0;
    for (let i = 0; i < 200; i += 1) {
      const value = again(n);
      let word = words(2 ** 32);
      while (word >= n) {
        rejected += 1;
        word = words(2 ** 32);
      }
      assert.equal(value, word);
    }
    assert.ok(rejected > 35 && rejected < 100, `${rejected} of about 267 words rejected`);
  });

  test('draws from a small range are uniform (chi-square, 6 values, 60,000 draws)', () => {
    const draw = allocationDraws(OTHER_SEED, 'sex=F;ilar_category=other');
    const counts = [0, 0, 0, 0, 0, 0];
    const draws = 60_000;
    for (let i = 0; i < draws; i += 1) tally(counts, draw(6));
    assertUniform(counts, draws);
  });

  test('a seed that is not lower-case hex of at least 16 bytes is refused, naming why', () => {
    for (const seed of [
      '',
      'abc',
      'ab'.repeat(15),
      'AB'.repeat(32),
      `${'ab'.repeat(32)}a`,
      'zz'.repeat(32),
    ])
      assert.throws(
        () => generateAllocationList(ONE_TO_ONE, seed),
        (error) => isJiaError(error, 'VALIDATION_FAILED') && error.issues[0]?.path === 'seed',
        seed,
      );
    assert.equal(generateAllocationList(ONE_TO_ONE, 'ab'.repeat(16)).length > 0, true);
  });
});

describe('allocationListDigest', () => {
  const list = generateAllocationList(ONE_TO_ONE, SEED);
  test('is the SHA-256 of the canonical text, whatever order the entries come in', () => {
    const text = canonicalAllocationList(list);
    assert.match(text, /^ilar_category=polyarticular,1,1,\d,(continue|placebo)\n/);
    assert.equal(allocationListDigest(list), createHash('sha256').update(text).digest('hex'));
    assert.equal(allocationListDigest([...list].reverse()), allocationListDigest(list));
  });
  test('changes when any one allocation changes', () => {
    const changed = list.map((e, i) =>
      i === 17 ? { ...e, arm: e.arm === 'continue' ? 'placebo' : 'continue' } : e,
    );
    assert.notEqual(allocationListDigest(changed), allocationListDigest(list));
  });
});

function tally(counts: number[], value: number): void {
  counts[value] = (counts[value] ?? 0) + 1;
}

/** Chi-square goodness of fit to equal cells, against the 0.999 quantile (df 2: 13.82; df 5: 20.52). */
function assertUniform(counts: readonly number[], total: number): void {
  const expected = total / counts.length;
  const chi2 = counts.reduce((sum, c) => sum + (c - expected) ** 2 / expected, 0);
  const critical = { 3: 13.82, 6: 20.52 }[counts.length as 3 | 6];
  assert.ok(chi2 < critical, `chi-square ${chi2.toFixed(2)} for ${counts.join(', ')}`);
}

/** The algorithm as ADR 0046 states it, written again with node:crypto. */
function referenceList(spec: RandomisationSpec, seed: string): AllocationEntry[] {
  const key = Buffer.from(seed, 'hex');
  const out: AllocationEntry[] = [];
  const sum = spec.arms.reduce((s, a) => s + a.ratio, 0);
  for (const stratum of strataOf(spec)) {
    let counter = 0;
    const draw = (n: number) => {
      const limit = 2 ** 32 - (2 ** 32 % n);
      for (;;) {
        const word = createHmac('sha256', key)
          .update(`${stratum}\n${counter++}`)
          .digest()
          .readUInt32BE(0);
        if (word < limit) return word % n;
      }
    };
    let sequence = 0;
    for (let block = 1; sequence < spec.listLengthPerStratum; block += 1) {
      const size = spec.blockSizes[draw(spec.blockSizes.length)] as number;
      const arms: string[] = [];
      for (const arm of spec.arms)
        for (let i = 0; i < (arm.ratio * size) / sum; i += 1) arms.push(arm.id);
      for (let i = size - 1; i > 0; i -= 1) {
        const j = draw(i + 1);
        const swap = arms[i] as string;
        arms[i] = arms[j] as string;
        arms[j] = swap;
      }
      for (const arm of arms)
        out.push({ stratum, sequence: ++sequence, block, blockSize: size, arm });
    }
  }
  return out;
}

const GOLDEN_SYSTEMIC_FIRST_12 = [
  '1:1/2:placebo',
  '2:1/2:continue',
  '3:2/6:placebo',
  '4:2/6:continue',
  '5:2/6:placebo',
  '6:2/6:placebo',
  '7:2/6:continue',
  '8:2/6:continue',
  '9:3/6:placebo',
  '10:3/6:continue',
  '11:3/6:placebo',
  '12:3/6:continue',
];
const GOLDEN_DIGEST = '76470fd7dd01039642201866bdb03facfecd83bf6cd36a7cbcb52e39b165a35a';
