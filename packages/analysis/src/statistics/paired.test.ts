/**
 * The paired statistics beyond R's stats against packages/analysis/fixtures/paired.json,
 * written by paired.R (coin and exactRankTests, cross-checked there by full enumeration):
 * the exact permutation Wilcoxon test with ties and zeros, Pratt's zero method, the SPSS-style
 * asymptotic p, and the Hodges-Lehmann estimate with its exact interval.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { hodgesLehmann, walshAverages } from './hodges-lehmann.js';
import { comparePaired } from './paired-comparison.js';
import {
  permutationDistribution,
  pSignedRank,
  qSignedRank,
  signedRankCounts,
} from './signed-rank-distribution.js';
import { type Alternative, wilcoxonSignedRank, type ZeroMethod } from './wilcoxon.js';

type Case = Record<string, unknown>;
const F = JSON.parse(
  readFileSync(new URL('../../fixtures/paired.json', import.meta.url), 'utf8'),
) as { r: string; coin: string; wilcoxon: Case[]; hodgesLehmann: Case[] };

function close(actual: number | null, expected: number, what: string): void {
  assert.ok(actual !== null && Number.isFinite(actual), `${what}: got ${actual}`);
  assert.ok(
    Math.abs(actual - expected) <= 1e-9 * Math.max(1, Math.abs(expected)),
    `${what}: ${actual} differs from R's ${expected}`,
  );
}

const alternative = (r: unknown): Alternative =>
  r === 'two.sided' ? 'two-sided' : (r as Alternative);

test('the paired fixtures have their cases', () => {
  assert.equal(F.wilcoxon.length, 14);
  assert.equal(F.hodgesLehmann.length, 10);
});

describe(`Wilcoxon with ties and zeros against coin ${F.coin} (${F.r})`, () => {
  for (const c of F.wilcoxon)
    for (const zeroMethod of ['wilcox', 'pratt'] as ZeroMethod[])
      test(`${c.id} (${zeroMethod})`, () => {
        const r = c[zeroMethod] as Record<string, number>;
        const x = c.x as number[];
        const y = c.y as number[];
        const alt = alternative(c.alternative);
        const exact = wilcoxonSignedRank(x, y, {
          alternative: alt,
          zeroMethod,
          exactWithTies: 'permutation',
        });
        close(exact.statistic, r.statistic as number, 'V');
        assert.equal(exact.n, r.n);
        close(exact.p, r.exact_p as number, 'exact permutation p');
        assert.deepEqual(exact.warnings, [], 'no fallback, so no warning');
        const tiesOrZeros = (c.ties as boolean) || (c.zeros as number) > 0;
        assert.equal(
          exact.method,
          tiesOrZeros ? 'exact permutation (midranks)' : 'exact',
          'untied, zero-free data keep the exact signed-rank distribution',
        );
        const asymptotic = wilcoxonSignedRank(x, y, {
          alternative: alt,
          zeroMethod,
          exact: false,
          correct: false,
        });
        assert.equal(asymptotic.method, 'normal approximation');
        close(asymptotic.p, r.asymptotic_p as number, 'asymptotic p, no continuity correction');
      });
});

describe('the verdicts the methods give on either side of 0.05 (TV-4, TV-10)', () => {
  const byId = (id: string) => F.wilcoxon.find((c) => c.id === id) as Case;
  test('TV-10: 5 decreases and a zero: exact 0.0625 (not significant), SPSS 0.0431 (significant)', () => {
    const c = byId('tv10_one_zero');
    const compared = comparePaired(c.x as number[], c.y as number[]);
    assert.equal(compared.wilcoxon.p, 0.0625);
    assert.ok((compared.wilcoxon.p as number) >= 0.05);
    assert.equal(compared.asymptotic.p?.toFixed(5), '0.04311');
    assert.ok((compared.asymptotic.p as number) < 0.05);
  });
  test('TV-10: a tie, all one way: the exact permutation p 0.03125 (R would fall back to 0.0355)', () => {
    const c = byId('tv10_tie');
    const compared = comparePaired(c.x as number[], c.y as number[]);
    assert.equal(compared.wilcoxon.method, 'exact permutation (midranks)');
    close(compared.wilcoxon.p, 0.03125, 'p');
    const r = wilcoxonSignedRank(c.x as number[], c.y as number[]);
    assert.equal(r.p?.toFixed(5), '0.03552', "R's wilcox.test default, TV-10");
  });
  test('the zero method decides the verdict: Pratt significant where dropping zeros is not, and the reverse', () => {
    for (const [id, wilcoxBelow] of [
      ['n10_pratt_significant_wilcox_not', false],
      ['n9_wilcox_significant_pratt_not', true],
    ] as const) {
      const c = byId(id);
      const p = (zeroMethod: ZeroMethod) =>
        comparePaired(c.x as number[], c.y as number[], { zeroMethod }).wilcoxon.p as number;
      assert.equal(p('wilcox') < 0.05, wilcoxBelow, `${id} wilcox`);
      assert.equal(p('pratt') < 0.05, !wilcoxBelow, `${id} pratt`);
    }
  });
  test("exactWithTies 'normal-approximation' is R's wilcox.test, warnings included", () => {
    const c = byId('tv10_one_zero');
    const r = comparePaired(c.x as number[], c.y as number[], {
      exactWithTies: 'normal-approximation',
    }).wilcoxon;
    assert.equal(r.method, 'normal approximation with continuity correction');
    assert.equal(r.p?.toFixed(5), '0.05906', 'TV-10: R gives 0.05906');
    assert.deepEqual(r.warnings, ['cannot compute exact p-value with zeroes']);
  });
});

describe('Hodges-Lehmann median difference with its exact interval', () => {
  for (const c of F.hodgesLehmann)
    test(`${c.id}${c.r_wilcox_test_call ? " (R's wilcox.test)" : ' (base-R formula)'}`, () => {
      const result = hodgesLehmann(c.differences as number[], c.conf_level as number);
      assert.ok(result);
      close(result.estimate, c.estimate as number, 'estimate');
      close(result.ci[0], (c.ci as number[])[0] as number, 'lower');
      close(result.ci[1], (c.ci as number[])[1] as number, 'upper');
      close(result.achievedConfidence, c.achieved_conf_level as number, 'achieved level');
      assert.equal(result.confidence, c.conf_level);
    });
  test('n = 5 cannot reach 95%: the widest interval (min to max) covers 93.75%, and says so', () => {
    const r = hodgesLehmann([-25, -8, -37, -5, -11]);
    assert.deepEqual(r?.ci, [-37, -5]);
    assert.equal(r?.achievedConfidence, 0.9375);
    const six = hodgesLehmann([-5, -8, -3, -9, -4, -7]);
    assert.ok((six?.achievedConfidence as number) >= 0.95, 'n = 6 reaches it (96.875%)');
  });
  test('no difference: null; a non-finite difference or a level outside (0, 1): refused', () => {
    assert.equal(hodgesLehmann([]), null);
    assert.throws(() => hodgesLehmann([1, Number.NaN]), /finite/);
    assert.throws(() => hodgesLehmann([1, 2], 1), /between 0 and 1/);
    assert.throws(() => hodgesLehmann([1, 2], 0), /between 0 and 1/);
  });
  test('at most 200 pairs: 200 get the estimate, 201 get none and the reason', () => {
    const pairs = (n: number) => Array.from({ length: n }, (_, i) => i % 7);
    const at = comparePaired(
      pairs(200),
      pairs(200).map((v) => v - 1),
    );
    assert.equal(at.hodgesLehmann?.estimate, -1);
    assert.equal(at.hodgesLehmannOmitted, null);
    const above = comparePaired(
      pairs(201),
      pairs(201).map((v) => v - 1),
    );
    assert.equal(above.hodgesLehmann, null);
    assert.equal(above.hodgesLehmannOmitted, 'too_many_pairs');
    assert.throws(() => hodgesLehmann(pairs(201)), /at most 200 pairs/);
  });
  test('Walsh averages: n(n+1)/2 of them, sorted', () => {
    assert.deepEqual(walshAverages([3, 1]), [1, 2, 3]);
  });
});

describe('the signed-rank distributions', () => {
  test('n = 6: the counts of definitions.md 10.1 (1 1 1 2 2 3 4 4 4 5 5 ...), 64 in all', () => {
    const c = signedRankCounts(6);
    assert.deepEqual(c.slice(0, 11), [1, 1, 1, 2, 2, 3, 4, 4, 4, 5, 5]);
    assert.equal(
      c.reduce((a, b) => a + b, 0),
      64,
    );
    assert.equal(pSignedRank(2, 6), 0.046875);
    assert.equal(pSignedRank(-1, 6), 0);
  });
  test('qsignrank: the smallest q reaching p, on both sides of a cumulative probability', () => {
    assert.equal(qSignedRank(0.025, 6), 1, 'P(V <= 0) = 0.0156 < 0.025 <= P(V <= 1) = 0.03125');
    assert.equal(qSignedRank(0.03125, 6), 1, 'a probability hit exactly');
    assert.equal(qSignedRank(0.0313, 6), 2);
    assert.throws(() => qSignedRank(0.6, 6), /0.5/);
  });
  test('the permutation distribution of untied ranks is the signed-rank distribution', () => {
    const perm = permutationDistribution([2, 4, 6, 8, 10, 12]);
    const counts = signedRankCounts(6);
    for (const [v, k] of counts.entries()) assert.equal(perm[2 * v], k / 64);
    assert.throws(() => permutationDistribution([1.5]), /whole numbers/);
  });
});
