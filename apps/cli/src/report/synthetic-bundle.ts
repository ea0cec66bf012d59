/**
 * A bundle that says its patients are invented. Until a bundle carries its study file (issue 16,
 * "Data safety": the study id, and whether the data are synthetic), the demonstration bundle
 * says so in its README.md, a paragraph that opens with the marker `**SYNTHETIC DATA.**`
 * (examples/msc-jia-demo/README.md) or `**Synthetic data**` (examples/msc-pilot/README.md). Every report of such a bundle says it is synthetic.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The README's marker: a line that opens with `**SYNTHETIC DATA.**` or `**Synthetic data**`. */
const MARKER = /^\*\*synthetic data\.?\*\*/im;

/** The report's banner for a bundle marked synthetic. */
export const SYNTHETIC_BUNDLE_NOTE =
  "SYNTHETIC DATA: this bundle's README.md says its patients are invented; no real patient is described.";

/** Whether the bundle folder `dir` says it is synthetic (no README: it does not). */
export function bundleSaysSynthetic(dir: string): boolean {
  let readme: string;
  try {
    readme = readFileSync(join(dir, 'README.md'), 'utf8');
  } catch {
    return false;
  }
  return MARKER.test(readme);
}
