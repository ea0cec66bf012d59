/**
 * A bundle that says its patients are invented. A bundle says so in its study file (study.csv,
 * `synthetic` true: docs/bundle-format.md; examples/msc-jia-demo), which an import keeps with
 * the study. A bundle without a study file may still say so in its README.md, a paragraph that
 * opens with the marker `**SYNTHETIC DATA.**` or `**Synthetic data**` (examples/msc-pilot/README.md),
 * the convention before study files. Every report of such a bundle or study says it is synthetic.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The README's marker: a line that opens with `**SYNTHETIC DATA.**` or `**Synthetic data**`. */
const MARKER = /^\*\*synthetic data\.?\*\*/im;

/** The report's banner for a bundle without a study file whose README says it is synthetic. */
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
