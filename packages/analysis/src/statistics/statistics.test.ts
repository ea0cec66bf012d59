/**
 * The statistics against R 4.2.2: every case of packages/analysis/fixtures/reference.json,
 * written by reference.R (run `Rscript packages/analysis/fixtures/reference.R` to regenerate).
 * Agreement to a relative error of 1e-9 (in practice about 1e-14): R's exact p-values are
 * themselves floating-point sums (0.031250000000000014).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { binomialP, clopperPearson, exactMcNemar } from './binomial.js';
import { fisherExactP } from './fisher.js';
import { poissonRateRatio } from './poisson.js';
import { quantile } from './quantiles.js';
import { type Alternative, wilcoxonSignedRank } from './wilcoxon.js';

const R = JSON.parse(
  readFileSync(new URL('../../fixtures/reference.json', import.meta.url), 'utf8'),
) as Record<string, Array<Record<string, unknown>>> & { r: string };

/** Equal to R within 1e-9 relative (absolute near 0); R's null (NaN, NA, Inf) as given. */
function close(actual: number | null, expected: unknown, what: string): void {
  if (expected === null || expected === undefined) {
    assert.ok(
      actual === null || !Number.isFinite(actual),
      `${what}: R gives no finite value, got ${actual}`,
    );
    return;
  }
  assert.ok(
    actual !== null && Number.isFinite(actual),
    `${what}: expected ${expected}, got ${actual}`,
  );
  const e = expected as number;
  const tolerance = 1e-9 * Math.max(1, Math.abs(e));
  assert.ok(Math.abs(actual - e) <= tolerance, `${what}: ${actual} differs from R's ${e}`);
}

test('every section of the R fixtures has cases (a renamed section must not run nothing)', () => {
  const expected = {
    wilcoxon: 21,
    signTest: 10,
    poissonRateRatio: 14,
    clopperPearson: 10,
    fisher: 11,
    mcnemar: 6,
    quantiles: 10,
  };
  for (const [section, n] of Object.entries(expected)) assert.equal(R[section]?.length, n, section);
});

const alternative = (r: unknown): Alternative =>
  r === 'two.sided' ? 'two-sided' : (r as Alternative);

describe(`Wilcoxon signed-rank test against ${R.r}`, () => {
  for (const c of R.wilcoxon as Array<Record<string, unknown>>)
    test(String(c.id), () => {
      const result = wilcoxonSignedRank(c.x as number[], c.y as number[], {
        alternative: alternative(c.alternative),
        exact: c.exact as boolean | null,
        correct: c.correct as boolean,
      });
      close(result.statistic, c.statistic, 'V');
      close(result.p, c.p, 'p');
      assert.equal(result.method === 'exact', c.exact_used, 'exact or approximate, as R chose');
      if (c.exact_used === false)
        assert.equal(result.method.includes('continuity'), c.continuity_correction_used);
      assert.deepEqual(
        [...result.warnings].sort(),
        (c.warnings as string[]).filter((w) => w.startsWith('cannot compute')).sort(),
      );
    });
});

describe('exact sign test (binom.test against 1/2)', () => {
  for (const c of R.signTest as Array<Record<string, unknown>>)
    test(String(c.id), () => close(binomialP(c.k as number, c.n as number), c.p, 'p'));
});

describe('Poisson rate ratio (poisson.test, two samples): both p conventions', () => {
  for (const c of R.poissonRateRatio as Array<Record<string, unknown>>)
    test(String(c.id), () => {
      const args = [
        c.x as [number, number],
        c.t as [number, number],
        c.conf_level as number,
      ] as const;
      const result = poissonRateRatio(...args);
      close(result.estimate, c.estimate, 'estimate');
      close(result.ci[0], (c.ci as unknown[])[0], 'lower');
      close(result.ci[1], (c.ci as unknown[])[1], 'upper');
      close(result.pMinlike, c.p, 'minlike p (poisson.test)');
      close(result.pCentral, c.p_central, 'central p (twice the smaller tail)');
      assert.equal(result.pMethod, 'central', 'central by default (definitions.md 8.4)');
      assert.equal(result.p, result.pCentral);
      const minlike = poissonRateRatio(...args, 'minlike');
      assert.equal(minlike.pMethod, 'minlike');
      close(minlike.p, c.p, "R's poisson.test p when minlike is asked for");
    });
  test('the central p agrees with the interval in every case: p < 1 - level exactly when the CI excludes 1', () => {
    for (const c of R.poissonRateRatio as Array<Record<string, unknown>>) {
      const level = c.conf_level as number;
      const r = poissonRateRatio(c.x as [number, number], c.t as [number, number], level);
      const excludesOne = r.ci[0] > 1 || r.ci[1] < 1;
      assert.equal(r.pCentral < 1 - level, excludesOne, String(c.id));
    }
  });
  test("TV-2 (Fay's vignette): minlike p 0.033 below 0.05 with a CI that includes 1; the central p 0.0501 is not", () => {
    const r = poissonRateRatio([2, 9], [17877, 16660]);
    assert.ok(r.ci[0] < 1 && r.ci[1] > 1, 'the interval 0.0218-1.0005 includes 1');
    assert.ok(r.pMinlike < 0.05, 'minlike: below 0.05');
    assert.equal(r.pCentral.toFixed(5), '0.05011', 'the published central p');
    assert.ok(r.p >= 0.05, 'the default p agrees with the interval');
  });
  test('an unknown p method is refused', () => {
    assert.throws(
      () => poissonRateRatio([1, 2], [1, 1], 0.95, 'midp' as never),
      /central or minlike/,
    );
  });
});

describe('Clopper-Pearson intervals (binom.test conf.int)', () => {
  for (const c of R.clopperPearson as Array<Record<string, unknown>>)
    test(String(c.id), () => {
      const result = clopperPearson(c.x as number, c.n as number, c.conf_level as number);
      close(result.ci[0], (c.ci as unknown[])[0], 'lower');
      close(result.ci[1], (c.ci as unknown[])[1], 'upper');
      close(binomialP(c.x as number, c.n as number), c.p, 'p');
    });
});

describe("Fisher's exact test, two-sided", () => {
  for (const c of R.fisher as Array<Record<string, unknown>>)
    test(String(c.id), () => {
      const t = c.table as [[number, number], [number, number]];
      close(fisherExactP(t), c.p, 'p');
    });
});

describe('exact McNemar test (binom.test on the discordant pairs)', () => {
  for (const c of R.mcnemar as Array<Record<string, unknown>>)
    test(String(c.id), () => {
      const p = exactMcNemar(c.b as number, c.c as number);
      if (c.error_exact) assert.equal(p, null, 'no discordant pair: no test');
      else close(p, c.exact_p, 'p');
    });
});

describe('quantiles (type 7), median and IQR', () => {
  for (const c of R.quantiles as Array<Record<string, unknown>>)
    test(String(c.id), () => {
      const x = c.x as number[];
      close(quantile(x, 0.25), c.q25, 'q25');
      close(quantile(x, 0.5), c.median, 'median');
      close(quantile(x, 0.75), c.q75, 'q75');
      close((quantile(x, 0.75) ?? 0) - (quantile(x, 0.25) ?? 0), c.iqr, 'IQR');
    });
});
