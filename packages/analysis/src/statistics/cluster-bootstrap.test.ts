/**
 * The cluster-bootstrap interval of the pooled AE rate ratio against
 * packages/analysis/fixtures/ae-bootstrap.json (ae-bootstrap.R: exact enumeration in base R,
 * checked there against boot's Monte Carlo), and the seeded generator against the reference C
 * code (fixtures/xoshiro128.c).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import {
  type ClusterCounts,
  cappedResamples,
  clusterBootstrapRateRatio,
  EXACT_MAX_RESAMPLES,
} from './cluster-bootstrap.js';
import { seededRandom, xoshiro128StarStar } from './seeded-random.js';

interface Case {
  id: string;
  pre_events: number[];
  pre_time: number[];
  post_events: number[];
  post_time: number[];
  conf_level: number;
  resamples: number;
  ci: [number, number | null];
  undefined_probability: number;
  nonfinite?: Record<string, string>;
}
const F = JSON.parse(
  readFileSync(new URL('../../fixtures/ae-bootstrap.json', import.meta.url), 'utf8'),
) as { cases: Case[] };

const clustersOf = (c: Case): ClusterCounts[] =>
  c.pre_events.map((preEvents, i) => ({
    preEvents,
    preTime: c.pre_time[i] as number,
    postEvents: c.post_events[i] as number,
    postTime: c.post_time[i] as number,
  }));

describe('cluster bootstrap of the pooled rate ratio against R (exact enumeration)', () => {
  test('the fixture has its cases', () => assert.equal(F.cases.length, 9));
  for (const c of F.cases)
    test(c.id, () => {
      const result = clusterBootstrapRateRatio(clustersOf(c), { confidence: c.conf_level });
      assert.equal(result.method, 'exact enumeration');
      assert.equal(result.seed, null);
      assert.equal(result.resamples, c.resamples);
      assert.ok(result.ci);
      const upper = c.nonfinite?.['ci[1]'] === 'Inf' ? Number.POSITIVE_INFINITY : c.ci[1];
      for (const [got, want] of [
        [result.ci[0], c.ci[0]],
        [result.ci[1], upper],
      ] as const)
        assert.ok(
          got === want || Math.abs(got - (want as number)) <= 1e-12 * Math.max(1, Math.abs(got)),
          `${got} differs from R's ${want}`,
        );
      assert.ok(Math.abs(result.undefinedProbability - c.undefined_probability) < 1e-12);
    });
});

describe('cluster bootstrap: branches and refusals', () => {
  const patient = (pre: number, post: number): ClusterCounts => ({
    preEvents: pre,
    preTime: 0.25,
    postEvents: post,
    postTime: 0.25,
  });
  test('10 patients are enumerated (92,378 multisets), 11 are sampled with the seed', () => {
    const ten = Array.from({ length: 10 }, (_, i) => patient(1 + (i % 3), i % 2));
    const exact = clusterBootstrapRateRatio(ten);
    assert.equal(exact.method, 'exact enumeration');
    assert.equal(exact.resamples, 92378);
    assert.ok(exact.resamples <= EXACT_MAX_RESAMPLES);
    const eleven = [...ten, patient(2, 1)];
    const drawn = clusterBootstrapRateRatio(eleven, { resamples: 2000, seed: 7 });
    assert.equal(drawn.method, 'monte carlo');
    assert.equal(drawn.seed, 7);
    assert.equal(drawn.resamples, 2000);
    // Reproducible from the seed, and another seed draws other resamples.
    assert.deepEqual(clusterBootstrapRateRatio(eleven, { resamples: 2000, seed: 7 }), drawn);
    const other = clusterBootstrapRateRatio(eleven, { resamples: 2000, seed: 8 });
    assert.equal(other.seed, 8);
  });
  test('the Monte Carlo interval approaches the enumerated one', () => {
    // 20,000 resamples of the same 10 patients drawn with the generator: their share at or
    // below each enumerated limit is near alpha/2 and 1 - alpha/2.
    const ten = Array.from({ length: 10 }, (_, i) => patient(1 + (i % 4), (i * 7) % 3));
    const exact = clusterBootstrapRateRatio(ten);
    const random = seededRandom(11);
    const ratios: number[] = [];
    for (let b = 0; b < 20000; b++) {
      let x0 = 0;
      let x1 = 0;
      for (let i = 0; i < 10; i++) {
        const k = ten[random.nextIndex(10)] as ClusterCounts;
        x0 += k.preEvents;
        x1 += k.postEvents;
      }
      ratios.push(x1 / x0);
    }
    ratios.sort((a, b) => a - b);
    assert.ok(exact.ci);
    const below = (v: number) => ratios.filter((r) => r <= v).length / ratios.length;
    assert.ok(Math.abs(below(exact.ci[0]) - 0.025) < 0.02, `${below(exact.ci[0])}`);
    assert.ok(Math.abs(below(exact.ci[1]) - 0.975) < 0.02, `${below(exact.ci[1])}`);
  });
  test('no patient: no interval; bad counts are refused', () => {
    assert.equal(clusterBootstrapRateRatio([]).ci, null);
    assert.throws(() => clusterBootstrapRateRatio([patient(1.5, 0)]), /whole numbers/);
    assert.throws(() => clusterBootstrapRateRatio([{ ...patient(1, 0), preTime: -1 }]), /whole/);
    assert.throws(() => clusterBootstrapRateRatio([patient(1, 0)], { confidence: 1 }), /between/);
    const eleven = Array.from({ length: 11 }, () => patient(1, 1));
    assert.throws(() => clusterBootstrapRateRatio(eleven, { resamples: 99 }), />= 100/);
  });
});

describe('seeded generator (xoshiro128**) against the reference C code', () => {
  test('state (1, 2, 3, 4): the first six outputs', () => {
    const g = xoshiro128StarStar([1, 2, 3, 4]);
    const out = Array.from({ length: 6 }, () => g.nextUint32());
    assert.deepEqual(out, [11520, 0, 5927040, 70819200, 2031721883, 1637235492]);
  });
  test('seeds 20261203 and 0 (state filled by the seeding generator)', () => {
    const g = seededRandom(20261203);
    assert.deepEqual(
      Array.from({ length: 6 }, () => g.nextUint32()),
      [1660036817, 1479610047, 1869540006, 1414883786, 3615846603, 2406690934],
    );
    const z = seededRandom(0);
    assert.deepEqual(
      Array.from({ length: 3 }, () => z.nextUint32()),
      [3809008728, 1133695204, 53579671],
    );
  });
  test('indices are uniform over the range; bad seeds and ranges are refused', () => {
    const g = seededRandom(1);
    const h = seededRandom(1);
    const tally = [0, 0, 0];
    for (let i = 0; i < 30000; i++) {
      const k = h.nextIndex(3);
      tally[k] = (tally[k] as number) + 1;
    }
    for (const c of tally) assert.ok(Math.abs(c - 10000) < 400, `${tally}`);
    assert.throws(() => seededRandom(-1), /seed/);
    assert.throws(() => seededRandom(2 ** 32), /seed/);
    assert.throws(() => seededRandom(1.5), /seed/);
    assert.throws(() => g.nextIndex(0), /index range/);
    assert.throws(() => xoshiro128StarStar([0, 0, 0, 0]), /all zero/);
  });
});

describe('the cost of a drawn bootstrap is capped, never below 1,000 resamples', () => {
  test('10,000 resamples up to 500 patients; fewer above; at least 1,000', () => {
    assert.equal(cappedResamples(10_000, 500), 10_000);
    assert.equal(cappedResamples(10_000, 501), 9_980);
    assert.equal(cappedResamples(10_000, 2_500), 2_000);
    assert.equal(cappedResamples(10_000, 5_001), 1_000);
    assert.equal(cappedResamples(500, 10_000), 500, 'never more than asked');
  });
  test('the interval says how many resamples it made', () => {
    const patients = Array.from({ length: 2_500 }, (_, i) => ({
      preEvents: i % 3,
      preTime: 0.25,
      postEvents: i % 2,
      postTime: 0.25,
    }));
    const ci = clusterBootstrapRateRatio(patients);
    assert.equal(ci.method, 'monte carlo');
    assert.equal(ci.resamples, 2_000);
  });
});
