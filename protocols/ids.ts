/**
 * The ids of the protocols jia-trial ships, without loading their definitions (which validate
 * themselves on load): the command line's help lists them at start-up. PROTOCOLS (index.ts) has
 * exactly these keys, in this order (protocols.test.ts).
 */
export const PROTOCOL_IDS = ['msc-jia', 'jia-cohort', 'jia-withdrawal'] as const;
