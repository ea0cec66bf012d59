/**
 * A seeded pseudo-random generator, so that a resampling result is reproducible from the seed
 * the report records: xoshiro128** 1.1 (Blackman & Vigna, "Scrambled linear pseudorandom number
 * generators", ACM Trans Math Softw 2021;47(4):36, doi:10.1145/3460772; reference C code at
 * prng.di.unimi.it, xoshiro128starstar.c), its 128-bit state filled from a 32-bit seed by a
 * SplitMix-style generator (the seeding the authors advise: another generator fills the state), and
 * uniform integers by rejection, without modulo bias. seeded-random.test.ts checks the first
 * outputs against the reference C code compiled with gcc.
 */

/** Multiplication modulo 2^32 and rotation, on unsigned 32-bit integers. */
const mul = (a: number, b: number) => Math.imul(a, b) >>> 0;
const rotl = (x: number, k: number) => ((x << k) | (x >>> (32 - k))) >>> 0;

export interface SeededRandom {
  /** The next 32-bit output, 0 <= x < 2^32. */
  nextUint32(): number;
  /** A uniform whole number 0 <= i < n (n >= 1). */
  nextIndex(n: number): number;
}

/** xoshiro128** from an explicit state of four 32-bit words (not all zero). */
export function xoshiro128StarStar(state: readonly [number, number, number, number]): SeededRandom {
  if (state.every((w) => w >>> 0 === 0)) throw new RangeError('the state must not be all zero');
  let [s0, s1, s2, s3] = state.map((w) => w >>> 0) as [number, number, number, number];
  const nextUint32 = () => {
    const result = mul(rotl(mul(s1, 5), 7), 9);
    const t = (s1 << 9) >>> 0;
    s2 = (s2 ^ s0) >>> 0;
    s3 = (s3 ^ s1) >>> 0;
    s1 = (s1 ^ s2) >>> 0;
    s0 = (s0 ^ s3) >>> 0;
    s2 = (s2 ^ t) >>> 0;
    s3 = rotl(s3, 11);
    return result;
  };
  return {
    nextUint32,
    nextIndex(n: number) {
      if (!(Number.isInteger(n) && n >= 1 && n <= 2 ** 32))
        throw new RangeError(`an index range is a whole number 1 to 2^32, got ${n}`);
      // Accept only below the largest multiple of n: every index equally likely.
      const limit = Math.floor(2 ** 32 / n) * n;
      for (;;) {
        const x = nextUint32();
        if (x < limit) return x % n;
      }
    },
  };
}

/**
 * The seeding generator: a Weyl sequence (step 0x9e3779b9, the golden ratio in 32 bits) through
 * MurmurHash3's fmix32 finaliser, the 32-bit analogue of SplitMix64 (Steele, Lea & Flood,
 * OOPSLA 2014, doi:10.1145/2714064.2660195). Only its first four outputs are used.
 */
export function splitMix32(seed: number): () => number {
  let z = seed >>> 0;
  return () => {
    z = (z + 0x9e3779b9) >>> 0;
    let x = z;
    x = mul(x ^ (x >>> 16), 0x85ebca6b);
    x = mul(x ^ (x >>> 13), 0xc2b2ae35);
    return (x ^ (x >>> 16)) >>> 0;
  };
}

/** The generator of a seed (a whole number 0 to 2^32 - 1), as the report records it. */
export function seededRandom(seed: number): SeededRandom {
  if (!(Number.isInteger(seed) && seed >= 0 && seed < 2 ** 32))
    throw new RangeError(`a seed is a whole number 0 to 2^32 - 1, got ${seed}`);
  const fill = splitMix32(seed);
  const state: [number, number, number, number] = [fill(), fill(), fill(), fill()];
  // The seeding generator never gives four zeros in a row from one seed, but guard the invariant anyway.
  if (state.every((w) => w === 0)) state[0] = 1;
  return xoshiro128StarStar(state);
}
