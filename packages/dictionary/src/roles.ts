/**
 * Who may do what: the roles of a study and the permissions each holds, declared once (ADR 0013).
 * The server checks every request against this table; the browser application reads the same
 * table only to hide what the server would refuse anyway (docs/roles.md).
 *
 * A role is held per study. A site-bound role is held for one site, or, with no site, for every
 * site of the study; a study-wide role always covers every site. What a holder sees of the
 * clinical data is limited to the sites its role covers.
 */
import type { CodeListId } from './types.js';

/** The role codes (the dictionary's `role` code list, which the database CHECKs too). */
export type Role =
  | 'admin'
  | 'investigator'
  | 'nurse'
  | 'data_manager'
  | 'monitor'
  | 'statistician'
  | 'dsmb';

export const ROLE_CODE_LIST: CodeListId = 'role';

/** What a request may need. Each route of the API names exactly one. */
export type Permission =
  /** See the study's set-up: its sites and protocol (every role holds it). */
  | 'study.read'
  /** Read subjects and their records, with identifying codes and dates, of covered sites. */
  | 'clinical.read'
  /** Read subjects and their records pseudonymised: study days instead of dates. */
  | 'clinical.read_pseudonymised'
  /** Create and correct visits (joints, CHAQ, labs), medications and adverse events. */
  | 'clinical.write'
  /** Enrol, correct and withdraw subjects; record the investigator's eligibility answers. */
  | 'enrolment.write'
  /** Record and correct infusions (the dose the protocol allows). */
  | 'infusion.write'
  /** Sign a visit or a casebook (21 CFR Part 11 §11.50, §11.200). */
  | 'sign'
  /** Acknowledge a safety alert raised by the protocol engine. */
  | 'alert.acknowledge'
  | 'query.raise'
  | 'query.answer'
  | 'query.close'
  | 'query.reopen'
  /** Read the audit trail of a record. */
  | 'audit.read'
  /**
   * Review the study's whole audit trail, filtered, and export it for an inspector: other
   * users' sign-ins and addresses included (ADR 0030). Data managers, monitors, administrators.
   */
  | 'audit.review'
  /** Read the study's analysis report (aggregate results). */
  | 'report.read'
  /** Export the study as a bundle. */
  | 'export'
  /** Run the data-quality checks over the study's stored data on demand (docs/data-management.md). */
  | 'quality.check'
  /** Change the study's data-quality rule set (a new version, with a reason). */
  | 'quality.rules'
  /** Exclude a discrepancy with a reason (it needs no correction), or take an exclusion back. */
  | 'quality.exclude'
  /** Mark values, visits or casebooks as verified against the source documents (SDV). */
  | 'sdv.write'
  /** Read source data verification: progress and what is left to verify. */
  | 'sdv.read'
  /** Transfer a subject to another site of the study (with a reason). */
  | 'subject.transfer'
  /** Lock or freeze a visit, a casebook or the study, and release a lock (with a reason). */
  | 'lock.manage'
  /**
   * See a study's randomisation: its allocation list's header (digests, strata counts) and
   * whether a subject of a covered site is due or allocated. Never an arm for a role the
   * protocol blinds (its `blindedRoles`; docs/data-management.md, "Randomisation").
   */
  | 'randomisation.read'
  /** Generate the study's allocation list from a seed (once; it is sealed). */
  | 'randomisation.generate'
  /** Randomise a subject of a covered site when the protocol's step is reached. */
  | 'randomisation.allocate'
  /**
   * Unblind one subject of a covered site in an emergency, with a reason (audited, alerted).
   * Held only where the role is also one of the protocol's `unblindingRoles`.
   */
  | 'randomisation.unblind'
  /** Manage users, their roles and the study's sites. Never clinical data. */
  | 'admin.manage'
  /**
   * Read the study's access review: who holds which role where, granted by whom and when, until
   * when, and each account's state and last sign-in (docs/data-management.md).
   */
  | 'access.review';

export interface RolePolicy {
  readonly role: Role;
  /** `site`: held per site (or for all sites); `study`: always for every site. */
  readonly scope: 'site' | 'study';
  readonly permissions: readonly Permission[];
  /** What the role is for, in one line (docs/roles.md). */
  readonly summary: string;
}

export const ROLE_POLICIES: readonly RolePolicy[] = [
  {
    role: 'admin',
    scope: 'study',
    permissions: [
      'study.read',
      'clinical.read',
      'audit.read',
      'audit.review',
      'admin.manage',
      'access.review',
    ],
    summary: 'sets the study up (users, roles, sites); reads clinical data, never changes it',
  },
  {
    role: 'investigator',
    scope: 'site',
    permissions: [
      'study.read',
      'clinical.read',
      'clinical.write',
      'enrolment.write',
      'infusion.write',
      'sign',
      'alert.acknowledge',
      'query.answer',
      'audit.read',
      'report.read',
      'randomisation.read',
      'randomisation.allocate',
      'randomisation.unblind',
    ],
    summary:
      'everything clinical of own sites; signs; answers queries; randomises; unblinds in an emergency where the protocol names the role',
  },
  {
    role: 'nurse',
    scope: 'site',
    permissions: [
      'study.read',
      'clinical.read',
      'clinical.write',
      'query.answer',
      'audit.read',
      'randomisation.read',
      'randomisation.allocate',
    ],
    summary:
      'visits, joints, CHAQ, labs, medications and adverse events of own sites; answers queries; randomises; no infusions, no signing',
  },
  {
    role: 'data_manager',
    scope: 'study',
    permissions: [
      'study.read',
      'clinical.read',
      'query.raise',
      'query.close',
      'query.reopen',
      'audit.read',
      'audit.review',
      'report.read',
      'export',
      'quality.check',
      'quality.rules',
      'quality.exclude',
      'sdv.read',
      'subject.transfer',
      'access.review',
      'lock.manage',
      'randomisation.read',
      'randomisation.generate',
      'randomisation.unblind',
    ],
    summary:
      'all sites; raises, closes and reopens queries; locks, freezes and unlocks; exports; data-quality checks and rules; reads SDV progress; transfers subjects between sites; reviews who has access; generates the allocation list; unblinds in an emergency where the protocol names the role; no clinical edits',
  },
  {
    role: 'monitor',
    scope: 'site',
    permissions: [
      'study.read',
      'clinical.read',
      'query.raise',
      'query.close',
      'audit.read',
      'quality.check',
      'quality.exclude',
      'sdv.write',
      'sdv.read',
      'audit.review',
      'randomisation.read',
    ],
    summary:
      'assigned sites (or all); raises and closes queries; reviews and exports the trail of their sites; runs data-quality checks; verifies data against the source (SDV); no clinical edits',
  },
  {
    role: 'statistician',
    scope: 'study',
    permissions: ['study.read', 'clinical.read_pseudonymised', 'report.read', 'randomisation.read'],
    summary:
      'pseudonymised data of all sites, the report and the randomisation (arms only when the protocol does not blind the role); changes nothing',
  },
  {
    role: 'dsmb',
    scope: 'study',
    permissions: ['study.read', 'report.read'],
    summary: 'the report only (aggregate safety and efficacy); changes nothing',
  },
];

const BY_ROLE = new Map(ROLE_POLICIES.map((policy) => [policy.role, policy]));

export function rolePolicy(role: Role): RolePolicy {
  const policy = BY_ROLE.get(role);
  if (!policy) throw new Error(`no policy for role ${role}`);
  return policy;
}

/** One role a user holds in a study: for one site, or for all (`site` null). */
export interface RoleGrant {
  readonly role: Role;
  readonly site: string | null;
}

/** What a user's grants in one study allow: where each permission holds. */
export interface StudyAccess {
  /** Every permission held, with the sites it covers: `all`, or a list of site codes. */
  readonly permissions: ReadonlyMap<Permission, 'all' | readonly string[]>;
}

/**
 * Combines a user's grants in one study. A permission held through several grants covers the
 * union of their sites; a study-wide role, or a site-bound role with no site, covers all.
 */
export function studyAccess(grants: readonly RoleGrant[]): StudyAccess {
  const sites = new Map<Permission, Set<string> | 'all'>();
  for (const grant of grants) {
    const policy = rolePolicy(grant.role);
    const all = policy.scope === 'study' || grant.site === null;
    for (const permission of policy.permissions) {
      const held = sites.get(permission);
      if (held === 'all') continue;
      if (all) sites.set(permission, 'all');
      else sites.set(permission, new Set([...(held ?? []), grant.site as string]));
    }
  }
  return {
    permissions: new Map(
      [...sites].map(([permission, covered]) => [
        permission,
        covered === 'all' ? 'all' : [...covered].sort(),
      ]),
    ),
  };
}

/** Whether `access` allows `permission` at `site` (null: anywhere in the study). */
export function allows(access: StudyAccess, permission: Permission, site: string | null): boolean {
  const covered = access.permissions.get(permission);
  if (covered === undefined) return false;
  return covered === 'all' || site === null || covered.includes(site);
}

/**
 * Whether `permission` holds at every site where `over` holds (true when `over` holds nowhere).
 * The report (`report.read`) is identified only for a user who reads the clinical data
 * (`clinical.read`) of every site it covers; for anyone else it is pseudonymised (docs/roles.md).
 */
export function holdsWherever(
  access: StudyAccess,
  permission: Permission,
  over: Permission,
): boolean {
  const needed = access.permissions.get(over);
  const held = access.permissions.get(permission);
  if (needed === undefined || held === 'all') return true;
  if (held === undefined || needed === 'all') return false;
  return needed.every((site) => held.includes(site));
}
