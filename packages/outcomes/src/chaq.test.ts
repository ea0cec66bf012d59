import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  CHAQ_DOMAIN_CODES,
  CHAQ_DOMAINS,
  CHAQ_ITEM_CODES,
  type ChaqDomain,
  type ChaqInput,
  type ChaqItemCode,
  type ChaqResponse,
  chaqMeasure,
  scoreChaq,
} from './chaq.js';

type Answers = Partial<Record<ChaqDomain, readonly (ChaqResponse | null)[]>>;

/** Builds item responses from per-domain answer lists, in item order. */
function items(answers: Answers): ChaqInput['items'] {
  const out: Partial<Record<ChaqItemCode, ChaqResponse | null>> = {};
  for (const [domain, values] of Object.entries(answers) as [
    ChaqDomain,
    (ChaqResponse | null)[],
  ][]) {
    CHAQ_DOMAINS[domain].items.forEach((code, i) => {
      out[code] = values[i] ?? null;
    });
  }
  return out;
}

/** Every domain answered 0, except those given. */
function allZeroExcept(answers: Answers): ChaqInput['items'] {
  const zeros: Answers = {};
  for (const domain of CHAQ_DOMAIN_CODES) {
    zeros[domain] = CHAQ_DOMAINS[domain].items.map(() => 0);
  }
  return items({ ...zeros, ...answers });
}

const NA5 = ['na', 'na', 'na', 'na', 'na'] as const;

describe('CHAQ structure (Singh 1994)', () => {
  it('has 30 items in 8 domains: dressing 4, arising 2, eating 3, walking 2, hygiene 5, reach 4, grip 5, activities 5', () => {
    assert.deepEqual(
      CHAQ_DOMAIN_CODES.map((d) => [d, CHAQ_DOMAINS[d].items.length]),
      [
        ['dressing', 4],
        ['arising', 2],
        ['eating', 3],
        ['walking', 2],
        ['hygiene', 5],
        ['reach', 4],
        ['grip', 5],
        ['activities', 5],
      ],
    );
    assert.equal(CHAQ_ITEM_CODES.length, 30);
    assert.equal(new Set(CHAQ_ITEM_CODES).size, 30);
    assert.equal(CHAQ_ITEM_CODES[0], 'dressing_1');
    assert.equal(CHAQ_ITEM_CODES[29], 'activities_5');
  });
});

describe('CHAQ disability index: worked example (Singh 1994 scoring rules)', () => {
  it('domain scores 2, 0, 1, 2, -, 0, 1, 2 -> DI 8/7 = 1.142857 over 7 domains', () => {
    const result = scoreChaq({
      items: items({
        dressing: [1, 0, 'na', 0],
        arising: [0, 0],
        eating: [0, 1, 0],
        walking: [2, 'na'],
        hygiene: NA5,
        reach: [0, 0, 0, 0],
        grip: [1, 1, 0, 0, 0],
        activities: [0, 0, 0, 0, 0],
      }),
      aids: { dressing: true },
      help: { activities: true },
    });
    assert.equal(result.value, 1.142857);
    assert.equal(result.scoredDomains, 7);
    assert.deepEqual(result.domainScores, {
      dressing: 2,
      arising: 0,
      eating: 1,
      walking: 2,
      hygiene: null,
      reach: 0,
      grip: 1,
      activities: 2,
    });
    assert.deepEqual(result.unscoredDomains, ['hygiene']);
    assert.deepEqual(result.aidOrHelpUnscored, []);
    // Every item was answered (NA is an answer): complete, nothing missing.
    assert.equal(result.complete, true);
    assert.deepEqual(result.missing, []);
  });
});

describe('CHAQ aid/help rule: raised to at least 2, a 3 stays 3 (Singh 1994)', () => {
  const rows: readonly [string, ChaqResponse, 'aids' | 'help' | 'both' | 'none', number][] = [
    ['item 0 with an aid -> 2', 0, 'aids', 2],
    ['item 1 with an aid -> 2', 1, 'aids', 2],
    ['item 2 with an aid -> 2', 2, 'aids', 2],
    ['item 3 with an aid -> 3', 3, 'aids', 3],
    ['item 0 with help -> 2', 0, 'help', 2],
    ['item 1 with help -> 2', 1, 'help', 2],
    ['item 2 with help -> 2', 2, 'help', 2],
    ['item 3 with help -> 3', 3, 'help', 3],
    ['item 1 with aid and help -> 2 (not 3)', 1, 'both', 2],
    ['item 0 without aid or help -> 0', 0, 'none', 0],
    ['item 1 without aid or help -> 1', 1, 'none', 1],
  ];
  for (const [label, response, flags, expected] of rows) {
    it(`Singh 1994: ${label}`, () => {
      const result = scoreChaq({
        items: allZeroExcept({ grip: [response, 0, 0, 'na', 0] }),
        aids: { grip: flags === 'aids' || flags === 'both' },
        help: { grip: flags === 'help' || flags === 'both' },
      });
      assert.equal(result.domainScores.grip, expected);
      assert.equal(result.value, expected / 8);
    });
  }

  it('[D] aid or help ticked on a domain with no answered item: stays unscored, reported', () => {
    const result = scoreChaq({
      items: allZeroExcept({ hygiene: NA5, reach: [null, null, null, null] }),
      aids: { hygiene: true },
      help: { reach: true },
    });
    assert.equal(result.domainScores.hygiene, null);
    assert.equal(result.domainScores.reach, null);
    assert.deepEqual(result.unscoredDomains, ['hygiene', 'reach']);
    assert.deepEqual(result.aidOrHelpUnscored, ['hygiene', 'reach']);
    assert.equal(result.value, 0);
    assert.equal(result.scoredDomains, 6);
  });
});

describe('CHAQ domain score = highest item, ignoring NA and missing (Singh 1994)', () => {
  const rows: readonly [string, readonly (ChaqResponse | null)[], number | null][] = [
    ['highest of 0, 2, 1, 0, 0 is 2', [0, 2, 1, 0, 0], 2],
    ['NA is ignored: NA, 1, NA, 0, 0 -> 1', ['na', 1, 'na', 0, 0], 1],
    ['missing is ignored: null, 3, null, null, null -> 3', [null, 3, null, null, null], 3],
    ['all NA -> unscored', NA5, null],
    ['all missing -> unscored', [null, null, null, null, null], null],
  ];
  for (const [label, grip, expected] of rows) {
    it(`Singh 1994 scoring: ${label}`, () => {
      assert.equal(scoreChaq({ items: allZeroExcept({ grip }) }).domainScores.grip, expected);
    });
  }
});

describe('CHAQ DI over scored domains (Singh 1994) and the minimum-domains option (HAQ convention, unconfirmed for the CHAQ)', () => {
  it('all 8 domains scored: a multiple of 1/8, exact (sum 9 -> 1.125)', () => {
    const result = scoreChaq({
      items: allZeroExcept({
        dressing: [3, 0, 0, 0],
        eating: [2, 0, 0],
        grip: [3, 0, 0, 0, 0],
        reach: [1, 0, 0, 0],
      }),
    });
    assert.equal(result.value, 1.125);
    assert.equal(result.complete, true);
  });

  it('range 0 to 3', () => {
    assert.equal(scoreChaq({ items: allZeroExcept({}) }).value, 0);
    const threes: Answers = {};
    for (const domain of CHAQ_DOMAIN_CODES)
      threes[domain] = CHAQ_DOMAINS[domain].items.map(() => 3);
    assert.equal(scoreChaq({ items: items(threes) }).value, 3);
  });

  it('6 domains scored: sum 5 -> 5/6 = 0.833333 (6 decimals)', () => {
    const result = scoreChaq({
      items: allZeroExcept({ hygiene: NA5, grip: NA5, dressing: [3, 0, 0, 0], walking: [2, 0] }),
    });
    assert.equal(result.value, 0.833333);
    assert.equal(result.scoredDomains, 6);
  });

  const twoUnscored = allZeroExcept({ hygiene: NA5, grip: NA5 });
  const threeUnscored = allZeroExcept({ hygiene: NA5, grip: NA5, activities: NA5 });
  const oneUnscored = allZeroExcept({ hygiene: NA5 });
  const all8 = allZeroExcept({});
  const rows: readonly [string, ChaqInput['items'], number | undefined, number | null][] = [
    ['default minimum 6: 6 scored -> DI', twoUnscored, undefined, 0],
    ['default minimum 6: 5 scored -> no DI', threeUnscored, undefined, null],
    ['minimum 5: 5 scored -> DI', threeUnscored, 5, 0],
    ['minimum 7: 6 scored -> no DI', twoUnscored, 7, null],
    ['minimum 8: 7 scored -> no DI', oneUnscored, 8, null],
    ['minimum 8: 8 scored -> DI', all8, 8, 0],
    ['minimum 1: 1 scored -> DI', items({ walking: [1, 0] }), 1, 1],
  ];
  for (const [label, answers, minimum, value] of rows) {
    it(`[D] HAQ convention, named option: ${label}`, () => {
      const options = minimum === undefined ? {} : { minimumScoredDomains: minimum };
      const result = scoreChaq({ items: answers }, options);
      assert.equal(result.value, value);
      if (value === null) assert.equal(result.complete, false);
    });
  }

  it('missing items are reported and make the result incomplete, though the DI is computed', () => {
    const answers = { ...allZeroExcept({}), dressing_2: null, grip_5: undefined };
    const result = scoreChaq({ items: answers });
    assert.equal(result.value, 0);
    assert.equal(result.complete, false);
    assert.deepEqual(result.missing, ['dressing_2', 'grip_5']);
  });

  it('an empty form: no DI, every item missing', () => {
    const result = scoreChaq({ items: {} });
    assert.equal(result.value, null);
    assert.equal(result.complete, false);
    assert.deepEqual(result.missing, CHAQ_ITEM_CODES);
    assert.deepEqual(result.unscoredDomains, CHAQ_DOMAIN_CODES);
  });
});

describe('CHAQ input validation', () => {
  const bad: readonly [string, unknown, RegExp][] = [
    ['unknown item code', { dressing_5: 0 }, /unknown CHAQ item: dressing_5/],
    ['response 4', { grip_1: 4 }, /invalid response for CHAQ item grip_1: 4/],
    ['response -1', { grip_1: -1 }, /grip_1: -1/],
    ['response 1.5', { grip_1: 1.5 }, /grip_1: 1\.5/],
    ['response as text', { grip_1: '2' }, /grip_1: '2'/],
    ['NA spelled differently', { grip_1: 'NA' }, /grip_1: 'NA'/],
  ];
  for (const [label, answers, message] of bad) {
    it(`throws a RangeError naming the item and value: ${label}`, () => {
      assert.throws(
        () => scoreChaq({ items: answers as ChaqInput['items'] }),
        (error: unknown) => {
          assert.ok(error instanceof RangeError);
          assert.match(error.message, message);
          return true;
        },
      );
    });
  }

  it('rejects unknown aid/help domains and non-boolean flags', () => {
    const misspelt = { items: {}, aids: { walkng: true } } as unknown as ChaqInput;
    assert.throws(() => scoreChaq(misspelt), /unknown CHAQ domain for aids: walkng/);
    const text = { items: {}, help: { walking: 'yes' } } as unknown as ChaqInput;
    assert.throws(() => scoreChaq(text), /invalid help flag for CHAQ domain walking: 'yes'/);
  });

  it('rejects a minimum outside 1-8 or not an integer', () => {
    for (const minimumScoredDomains of [0, 9, 2.5, Number.NaN]) {
      assert.throws(
        () => scoreChaq({ items: {} }, { minimumScoredDomains }),
        /minimumScoredDomains/,
      );
    }
  });

  it('cites Singh 1994', () => {
    assert.equal(chaqMeasure.id, 'chaq');
    assert.deepEqual(chaqMeasure.citations, ['singh1994']);
  });
});
