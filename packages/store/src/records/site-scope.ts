/**
 * The sites a caller may see and change (docs/architecture.md, "Security model": a user sees only
 * the sites they are assigned to). Every record service and read takes one; a record outside it
 * is NOT_FOUND exactly as a missing one, so that its existence is not disclosed either.
 */

/** The site codes of the study a caller is assigned to, or 'all' (a study-wide role, the CLI). */
export type SiteScope = readonly string[] | 'all';

export function inScope(sites: SiteScope, site: string): boolean {
  return sites === 'all' || sites.includes(site);
}
