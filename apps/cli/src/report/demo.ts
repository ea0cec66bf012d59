/** The demo's data cut: after the last one-year visit of the synthetic patients. */
export const DEMO_AS_OF = '2017-12-31';
