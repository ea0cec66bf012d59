/**
 * The security matrix: every route of the API, called by every role of a study, by a user with
 * no role in it and without a session, against the policy the route declares (docs/roles.md).
 * A forbidden call is refused (401 without a session, 404 without a role in the study, 403
 * without the permission) and changes nothing; an allowed call is never refused for access. A
 * route of the OpenAPI document without a declared policy or without a request here fails.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import {
  allows,
  type Permission,
  ROLE_POLICIES,
  type Role,
  studyAccess,
} from '@jia-trial/dictionary';
import type { Access } from './access.js';
import {
  type ApiClient,
  HOME_SITE,
  HOME_SUBJECT,
  PASSWORD,
  STUDY,
  startTestServer,
  type TestServer,
  TODAY,
} from './test-support.js';

let server: TestServer;

/** Who calls: each role (site-bound roles at the home site), someone without a role, nobody. */
type Principal = Role | 'outsider' | 'anonymous';
const PRINCIPALS: readonly Principal[] = [
  ...ROLE_POLICIES.map((p) => p.role),
  'outsider',
  'anonymous',
];
const clients = new Map<Principal, ApiClient>();

interface Call {
  /** The access the route must declare (docs/roles.md): the matrix pins it. */
  readonly access: Access;
  readonly path: string;
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
  /** The route answers 404 for this request's record even when access is granted. */
  readonly notFoundWhenAllowed?: boolean;
}

const PUBLIC: Access = { kind: 'public' };
const SIGNED_IN: Access = { kind: 'signed_in' };
const SIGNED_IN_FIRST: Access = { kind: 'signed_in', beforePasswordChange: true };
const study = (permission: Permission): Access => ({ kind: 'study', permission });

/** A valid request for each route, by `METHOD url` as declared; `who` makes ids unique. */
const REQUESTS: Readonly<Record<string, (who: Principal) => Call>> = {
  'POST /api/v1/session': () => ({
    access: PUBLIC,
    path: '/api/v1/session',
    body: { username: 'nobody-at-all', password: 'wrong password' },
  }),
  'GET /api/v1/session': () => ({ access: SIGNED_IN_FIRST, path: '/api/v1/session' }),
  'DELETE /api/v1/session': () => ({ access: SIGNED_IN_FIRST, path: '/api/v1/session' }),
  // The new password equals the current one: refused as invalid (422), never applied.
  'PUT /api/v1/session/password': () => ({
    access: SIGNED_IN_FIRST,
    path: '/api/v1/session/password',
    body: { currentPassword: PASSWORD, newPassword: PASSWORD },
  }),
  'POST /api/v1/session/renewal': () => ({
    access: SIGNED_IN_FIRST,
    path: '/api/v1/session/renewal',
  }),
  // A wrong password: refused (401) before a secret is drawn.
  'POST /api/v1/session/second-factor': () => ({
    access: SIGNED_IN_FIRST,
    path: '/api/v1/session/second-factor',
    body: { password: 'not the password' },
  }),
  // No enrolment started: 404, nothing changes.
  'PUT /api/v1/session/second-factor': () => ({
    access: SIGNED_IN_FIRST,
    path: '/api/v1/session/second-factor',
    body: { code: '000000' },
  }),
  'GET /api/v1/openapi.json': () => ({ access: PUBLIC, path: '/api/v1/openapi.json' }),
  'GET /api/v1/health': () => ({ access: PUBLIC, path: '/api/v1/health' }),
  'GET /api/v1/studies': () => ({ access: SIGNED_IN, path: '/api/v1/studies' }),
  'GET /api/v1/studies/:studyId/subjects/:subjectId/status': () => ({
    access: study('clinical.read'),
    path: `/api/v1/studies/${STUDY}/subjects/${HOME_SUBJECT}/status?asOf=${TODAY}`,
  }),
  'PUT /api/v1/studies/:studyId/visits/:visitId': (who) => ({
    access: study('clinical.write'),
    path: `/api/v1/studies/${STUDY}/visits/matrix-${who}`,
    body: { subjectId: HOME_SUBJECT, visitDate: '2017-06-01', physicianGlobal: 1 },
  }),
  'GET /api/v1/studies/:studyId/users': () => ({
    access: study('admin.manage'),
    path: `/api/v1/studies/${STUDY}/users`,
  }),
  'POST /api/v1/studies/:studyId/users': (who) => ({
    access: study('admin.manage'),
    path: `/api/v1/studies/${STUDY}/users`,
    body: { username: `new-${who}`, displayName: 'New', roles: [{ role: 'monitor', site: null }] },
  }),
  'POST /api/v1/studies/:studyId/users/:username/roles': () => ({
    access: study('admin.manage'),
    path: `/api/v1/studies/${STUDY}/users/spare/roles`,
    body: { role: 'dsmb', site: null },
  }),
  'DELETE /api/v1/studies/:studyId/users/:username/roles': () => ({
    access: study('admin.manage'),
    path: `/api/v1/studies/${STUDY}/users/spare/roles`,
    body: { role: 'monitor', site: null, reason: 'matrix' },
  }),
  'POST /api/v1/studies/:studyId/users/:username/password-reset': () => ({
    access: study('admin.manage'),
    path: `/api/v1/studies/${STUDY}/users/spare/password-reset`,
    body: { reason: 'matrix' },
  }),
  'POST /api/v1/studies/:studyId/sites': (who) => ({
    access: study('admin.manage'),
    path: `/api/v1/studies/${STUDY}/sites`,
    body: { code: `SITE-${who}`, name: null },
  }),
  'POST /api/v1/studies/:studyId/users/:username/suspension': () => ({
    access: study('admin.manage'),
    path: `/api/v1/studies/${STUDY}/users/spare/suspension`,
    body: { reason: 'matrix' },
  }),
  'DELETE /api/v1/studies/:studyId/users/:username/suspension': () => ({
    access: study('admin.manage'),
    path: `/api/v1/studies/${STUDY}/users/spare/suspension`,
    body: { reason: 'matrix' },
  }),
  'PUT /api/v1/studies/:studyId/users/:username/validity': () => ({
    access: study('admin.manage'),
    path: `/api/v1/studies/${STUDY}/users/spare/validity`,
    body: { validUntil: null, reason: 'matrix' },
  }),
  // The admin routes run in their order: spare holds dsmb (granted above) by now.
  'PUT /api/v1/studies/:studyId/users/:username/roles': () => ({
    access: study('admin.manage'),
    path: `/api/v1/studies/${STUDY}/users/spare/roles`,
    body: { role: 'dsmb', site: null, validUntil: null, reason: 'matrix' },
  }),
  'DELETE /api/v1/studies/:studyId/users/:username/second-factor': () => ({
    access: study('admin.manage'),
    path: `/api/v1/studies/${STUDY}/users/spare/second-factor`,
    body: { reason: 'matrix' },
    // spare has no second factor: 404 from the route itself, once access is granted.
    notFoundWhenAllowed: true,
  }),
  'GET /api/v1/studies/:studyId/access-policy': () => ({
    access: study('admin.manage'),
    path: `/api/v1/studies/${STUDY}/access-policy`,
  }),
  'PUT /api/v1/studies/:studyId/access-policy': () => ({
    access: study('admin.manage'),
    path: `/api/v1/studies/${STUDY}/access-policy`,
    body: { secondFactorRoles: [], reason: 'matrix' },
  }),
  'GET /api/v1/studies/:studyId/access-review': () => ({
    access: study('access.review'),
    path: `/api/v1/studies/${STUDY}/access-review`,
  }),
  'GET /api/v1/studies/:studyId/dashboard': () => ({
    access: study('clinical.read'),
    path: `/api/v1/studies/${STUDY}/dashboard`,
  }),
  'GET /api/v1/studies/:studyId/subjects': () => ({
    access: study('clinical.read'),
    path: `/api/v1/studies/${STUDY}/subjects`,
  }),
  'GET /api/v1/studies/:studyId/subjects/:subjectId': () => ({
    access: study('clinical.read'),
    path: `/api/v1/studies/${STUDY}/subjects/${HOME_SUBJECT}`,
  }),
  'POST /api/v1/studies/:studyId/subjects': (who) => ({
    access: study('enrolment.write'),
    path: `/api/v1/studies/${STUDY}/subjects`,
    body: {
      subjectId: `N-${who}`,
      site: HOME_SITE,
      sex: 'F',
      birthDate: '2012-03',
      ilarCategory: 'oligoarticular_extended',
      diagnosisDate: '2016-05-02',
    },
  }),
  // A correction without If-Match: answered 428 when allowed, before anything is read.
  'PUT /api/v1/studies/:studyId/subjects/:subjectId': () => ({
    access: study('enrolment.write'),
    path: `/api/v1/studies/${STUDY}/subjects/${HOME_SUBJECT}`,
    body: {
      site: HOME_SITE,
      sex: 'F',
      birthDate: '2002-04',
      ilarCategory: 'polyarticular_rf_negative',
      diagnosisDate: '2005-11-19',
      reason: 'matrix',
    },
  }),
  'POST /api/v1/studies/:studyId/subjects/:subjectId/withdrawal': () => ({
    access: study('enrolment.write'),
    path: `/api/v1/studies/${STUDY}/subjects/${HOME_SUBJECT}/withdrawal`,
    body: { withdrawalDate: '2017-12-01', withdrawalReason: 'matrix', reason: 'matrix' },
  }),
  'POST /api/v1/studies/:studyId/eligibility': (who) => ({
    access: study('enrolment.write'),
    path: `/api/v1/studies/${STUDY}/eligibility`,
    body: {
      subjectId: HOME_SUBJECT,
      criterionId: `matrix_${who}`,
      value: true,
      assessedDate: '2015-05-01',
    },
  }),
  'PUT /api/v1/studies/:studyId/eligibility/:subjectId/:criterionId': () => ({
    access: study('enrolment.write'),
    path: `/api/v1/studies/${STUDY}/eligibility/${HOME_SUBJECT}/matrix`,
    body: { value: false, assessedDate: '2015-05-01', reason: 'matrix' },
  }),
  'POST /api/v1/studies/:studyId/medications': (who) => ({
    access: study('clinical.write'),
    path: `/api/v1/studies/${STUDY}/medications`,
    body: {
      subjectId: HOME_SUBJECT,
      drug: `matrix-${who}`,
      drugClass: 'nsaid',
      startDate: '2016-01-01',
    },
  }),
  'PUT /api/v1/studies/:studyId/medications/:rowId': () => ({
    access: study('clinical.write'),
    path: `/api/v1/studies/${STUDY}/medications/1`,
    body: {
      subjectId: HOME_SUBJECT,
      drug: 'naproxen',
      drugClass: 'nsaid',
      startDate: '2016-01-01',
      reason: 'matrix',
    },
  }),
  'POST /api/v1/studies/:studyId/infusions': (who) => ({
    access: study('infusion.write'),
    path: `/api/v1/studies/${STUDY}/infusions`,
    body: {
      subjectId: 'D03',
      infusionDate: who === 'investigator' ? '2017-10-01' : '2017-11-01',
      weightKg: 30,
      cellsPerKg: 2e6,
      totalCells: 6e7,
      productLot: 'L1',
      infusionReaction: false,
    },
  }),
  'PUT /api/v1/studies/:studyId/infusions/:rowId': () => ({
    access: study('infusion.write'),
    path: `/api/v1/studies/${STUDY}/infusions/1`,
    body: {
      subjectId: HOME_SUBJECT,
      infusionDate: '2015-06-10',
      weightKg: 30,
      cellsPerKg: 2e6,
      totalCells: 6e7,
      reason: 'matrix',
    },
  }),
  'POST /api/v1/studies/:studyId/adverse-events': (who) => ({
    access: study('clinical.write'),
    path: `/api/v1/studies/${STUDY}/adverse-events`,
    body: {
      subjectId: HOME_SUBJECT,
      aeId: `AE-${who}`,
      term: 'Headache',
      onsetDate: '2016-02-02',
      grade: 1,
      serious: false,
      related: 'unlikely',
      outcome: 'recovered',
    },
  }),
  'PUT /api/v1/studies/:studyId/adverse-events/:aeId': () => ({
    access: study('clinical.write'),
    path: `/api/v1/studies/${STUDY}/adverse-events/AE-matrix`,
    body: {
      subjectId: HOME_SUBJECT,
      term: 'Headache',
      onsetDate: '2016-02-02',
      grade: 1,
      serious: false,
      related: 'unlikely',
      outcome: 'recovered',
      reason: 'matrix',
    },
  }),
  'POST /api/v1/studies/:studyId/visits/:visitId/joints': (who) => ({
    access: study('clinical.write'),
    path: `/api/v1/studies/${STUDY}/visits/D01-BL/joints`,
    body: {
      jointCode: who === 'investigator' ? 'knee_l' : 'knee_r',
      swollen: true,
      tender: false,
      limited: true,
    },
  }),
  'PUT /api/v1/studies/:studyId/visits/:visitId/joints/:jointCode': () => ({
    access: study('clinical.write'),
    path: `/api/v1/studies/${STUDY}/visits/D01-BL/joints/knee_l`,
    body: { swollen: false, tender: false, limited: false, reason: 'matrix' },
  }),
  'POST /api/v1/studies/:studyId/visits/:visitId/chaq': (who) => ({
    access: study('clinical.write'),
    path: `/api/v1/studies/${STUDY}/visits/D01-BL/chaq`,
    body: {
      item: who === 'investigator' ? 'dressing_1' : 'dressing_2',
      score: 1,
      aidOrHelp: false,
    },
  }),
  'PUT /api/v1/studies/:studyId/visits/:visitId/chaq/:item': () => ({
    access: study('clinical.write'),
    path: `/api/v1/studies/${STUDY}/visits/D01-BL/chaq/dressing_1`,
    body: { score: 2, aidOrHelp: false, reason: 'matrix' },
  }),
  'POST /api/v1/studies/:studyId/visits/:visitId/damage': (who) => ({
    access: study('clinical.write'),
    path: `/api/v1/studies/${STUDY}/visits/D01-BL/damage`,
    body: { item: who === 'investigator' ? 'jadi_a_knee_l' : 'jadi_a_knee_r', score: 1 },
  }),
  'PUT /api/v1/studies/:studyId/visits/:visitId/damage/:item': () => ({
    access: study('clinical.write'),
    path: `/api/v1/studies/${STUDY}/visits/D01-BL/damage/jadi_a_knee_l`,
    body: { score: 2, reason: 'matrix' },
  }),
  'GET /api/v1/studies/:studyId/report': () => ({
    access: study('report.read'),
    path: `/api/v1/studies/${STUDY}/report?asOf=${TODAY}`,
  }),
  'POST /api/v1/studies/:studyId/queries': () => ({
    access: study('query.raise'),
    path: `/api/v1/studies/${STUDY}/queries`,
    body: { table: 'visit', recordKey: `${STUDY}/D01-BL`, field: 'esr', question: 'Matrix?' },
  }),
  // Steps without If-Match: answered 428 when allowed.
  'POST /api/v1/studies/:studyId/queries/:queryId/answer': () => ({
    access: study('query.answer'),
    path: `/api/v1/studies/${STUDY}/queries/Q-1/answer`,
    body: { response: 'matrix' },
  }),
  'POST /api/v1/studies/:studyId/queries/:queryId/close': () => ({
    access: study('query.close'),
    path: `/api/v1/studies/${STUDY}/queries/Q-1/close`,
    body: {},
  }),
  'POST /api/v1/studies/:studyId/queries/:queryId/reopen': () => ({
    access: study('query.reopen'),
    path: `/api/v1/studies/${STUDY}/queries/Q-1/reopen`,
    body: {},
  }),
  'GET /api/v1/studies/:studyId/queries': () => ({
    access: study('clinical.read'),
    path: `/api/v1/studies/${STUDY}/queries`,
  }),
  'POST /api/v1/studies/:studyId/subjects/:subjectId/alerts/:alertId/acknowledgement': () => ({
    access: study('alert.acknowledge'),
    path: `/api/v1/studies/${STUDY}/subjects/${HOME_SUBJECT}/alerts/none/acknowledgement`,
    body: { comment: 'matrix' },
    // An alert the subject does not have: 404 from the route itself, once access is granted.
    notFoundWhenAllowed: true,
  }),
  'POST /api/v1/studies/:studyId/subjects/:subjectId/signatures': () => ({
    access: study('sign'),
    path: `/api/v1/studies/${STUDY}/subjects/${HOME_SUBJECT}/signatures`,
    body: { visitId: 'D01-BL', meaning: 'approved', password: 'not the password' },
  }),
  'GET /api/v1/studies/:studyId/subjects/:subjectId/signatures': () => ({
    access: study('clinical.read'),
    path: `/api/v1/studies/${STUDY}/subjects/${HOME_SUBJECT}/signatures`,
  }),
  'GET /api/v1/studies/:studyId/audit': () => ({
    access: study('audit.read'),
    path: `/api/v1/studies/${STUDY}/audit?table=visit&key=${STUDY}/D01-BL`,
  }),
  // Only the data manager places it (L-1, on a visit no other request writes) and releases it.
  'POST /api/v1/studies/:studyId/locks': () => ({
    access: study('lock.manage'),
    path: `/api/v1/studies/${STUDY}/locks`,
    body: { scope: 'visit', key: 'D04-Y1', kind: 'freeze', reason: 'matrix' },
  }),
  'GET /api/v1/studies/:studyId/locks': () => ({
    access: study('clinical.read'),
    path: `/api/v1/studies/${STUDY}/locks?inForce=true`,
  }),
  'DELETE /api/v1/studies/:studyId/locks/:lockId': () => ({
    access: study('lock.manage'),
    path: `/api/v1/studies/${STUDY}/locks/L-1`,
    body: { reason: 'matrix' },
  }),
  'GET /api/v1/studies/:studyId/audit/events': () => ({
    access: study('audit.review'),
    path: `/api/v1/studies/${STUDY}/audit/events?table=visit&limit=5`,
  }),
  'GET /api/v1/studies/:studyId/audit/export': () => ({
    access: study('audit.review'),
    path: `/api/v1/studies/${STUDY}/audit/export?format=json&table=site`,
  }),
  'GET /api/v1/studies/:studyId/export': () => ({
    access: study('export'),
    path: `/api/v1/studies/${STUDY}/export`,
  }),
  'GET /api/v1/studies/:studyId/pseudonymised': () => ({
    access: study('clinical.read_pseudonymised'),
    path: `/api/v1/studies/${STUDY}/pseudonymised`,
  }),
  'GET /api/v1/studies/:studyId/quality/rules': () => ({
    access: study('clinical.read'),
    path: `/api/v1/studies/${STUDY}/quality/rules`,
  }),
  // Only the data manager may: once, replacing the default rules (version 0).
  'PUT /api/v1/studies/:studyId/quality/rules': () => ({
    access: study('quality.rules'),
    path: `/api/v1/studies/${STUDY}/quality/rules`,
    body: { ruleSet: { title: 'matrix', rules: [] }, reason: 'matrix' },
    headers: { 'if-match': '0' },
  }),
  'POST /api/v1/studies/:studyId/quality/check': () => ({
    access: study('quality.check'),
    path: `/api/v1/studies/${STUDY}/quality/check`,
    body: {},
  }),
  'GET /api/v1/studies/:studyId/discrepancies': () => ({
    access: study('clinical.read'),
    path: `/api/v1/studies/${STUDY}/discrepancies`,
  }),
  // A discrepancy the study does not have: 404 from the route itself, once access is granted.
  'GET /api/v1/studies/:studyId/discrepancies/:discrepancyId': () => ({
    access: study('clinical.read'),
    path: `/api/v1/studies/${STUDY}/discrepancies/DQ-999999`,
    notFoundWhenAllowed: true,
  }),
  'POST /api/v1/studies/:studyId/discrepancies/:discrepancyId/exclusion': () => ({
    access: study('quality.exclude'),
    path: `/api/v1/studies/${STUDY}/discrepancies/DQ-999999/exclusion`,
    body: { reason: 'matrix' },
    headers: { 'if-match': '1' },
    notFoundWhenAllowed: true,
  }),
  'DELETE /api/v1/studies/:studyId/discrepancies/:discrepancyId/exclusion': () => ({
    access: study('quality.exclude'),
    path: `/api/v1/studies/${STUDY}/discrepancies/DQ-999999/exclusion`,
    body: { reason: 'matrix' },
    headers: { 'if-match': '1' },
    notFoundWhenAllowed: true,
  }),
  'POST /api/v1/studies/:studyId/discrepancies/:discrepancyId/query': () => ({
    access: study('query.raise'),
    path: `/api/v1/studies/${STUDY}/discrepancies/DQ-999999/query`,
    body: {},
    headers: { 'if-match': '1' },
    notFoundWhenAllowed: true,
  }),
  'POST /api/v1/studies/:studyId/sdv': () => ({
    access: study('sdv.write'),
    path: `/api/v1/studies/${STUDY}/sdv`,
    body: {
      scope: 'field',
      subjectId: HOME_SUBJECT,
      table: 'visit',
      recordKey: `${STUDY}/D01-BL`,
      field: 'visitDate',
    },
  }),
  'GET /api/v1/studies/:studyId/sdv/progress': () => ({
    access: study('sdv.read'),
    path: `/api/v1/studies/${STUDY}/sdv/progress`,
  }),
  'GET /api/v1/studies/:studyId/sdv/items': () => ({
    access: study('sdv.read'),
    path: `/api/v1/studies/${STUDY}/sdv/items?subjectId=${HOME_SUBJECT}`,
  }),
  'GET /api/v1/studies/:studyId/form-status': () => ({
    access: study('clinical.read'),
    path: `/api/v1/studies/${STUDY}/form-status`,
  }),
  // An old version: allowed, refused as a conflict, so the subject stays at its site.
  'POST /api/v1/studies/:studyId/subjects/:subjectId/transfer': () => ({
    access: study('subject.transfer'),
    path: `/api/v1/studies/${STUDY}/subjects/${HOME_SUBJECT}/transfer`,
    body: { toSite: 'OTHER', reason: 'matrix' },
    headers: { 'if-match': '999' },
  }),
  // The matrix's study has a protocol without randomisation: an allowed call is refused as
  // RANDOMISATION_NOT_DUE (422) and changes nothing; randomisation-api.test.ts does the rest.
  'POST /api/v1/studies/:studyId/randomisation/list': () => ({
    access: study('randomisation.generate'),
    path: `/api/v1/studies/${STUDY}/randomisation/list`,
    body: {},
  }),
  'GET /api/v1/studies/:studyId/randomisation': () => ({
    access: study('randomisation.read'),
    path: `/api/v1/studies/${STUDY}/randomisation`,
  }),
  'GET /api/v1/studies/:studyId/subjects/:subjectId/randomisation': () => ({
    access: study('randomisation.read'),
    path: `/api/v1/studies/${STUDY}/subjects/${HOME_SUBJECT}/randomisation`,
  }),
  'POST /api/v1/studies/:studyId/subjects/:subjectId/randomisation': () => ({
    access: study('randomisation.allocate'),
    path: `/api/v1/studies/${STUDY}/subjects/${HOME_SUBJECT}/randomisation`,
  }),
  'POST /api/v1/studies/:studyId/subjects/:subjectId/randomisation/unblind': () => ({
    access: study('randomisation.unblind'),
    path: `/api/v1/studies/${STUDY}/subjects/${HOME_SUBJECT}/randomisation/unblind`,
    body: { reason: 'matrix' },
  }),
  'GET /api/v1/studies/:studyId/subjects/:subjectId/transfers': () => ({
    access: study('clinical.read'),
    path: `/api/v1/studies/${STUDY}/subjects/${HOME_SUBJECT}/transfers`,
  }),
};

/** The answers that refuse access (a wrong password at sign-in is not one). */
const ACCESS_REFUSALS = new Set([
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'CSRF_TOKEN_INVALID',
  'PASSWORD_CHANGE_REQUIRED',
]);

/** The statuses the policy allows for `who` on a route declaring `access`. */
function expected(access: Access, who: Principal): 'allowed' | 401 | 403 | 404 {
  if (access.kind === 'public') return 'allowed';
  if (who === 'anonymous') return 401;
  if (access.kind === 'signed_in') return 'allowed';
  if (who === 'outsider') return 404;
  const site = ROLE_POLICIES.find((p) => p.role === who)?.scope === 'site' ? HOME_SITE : null;
  return allows(studyAccess([{ role: who, site }]), access.permission, HOME_SITE) ? 'allowed' : 403;
}

/**
 * Everything a request could change: the audit trail grows with every stored change. The
 * data-quality checks an allowed save queued run after its response: settled first, so that
 * their events are never taken for a refused call's.
 */
async function changes(): Promise<number> {
  await server.app.qualityChecksSettled();
  const result = await server.db.store.pool.query<{ n: number }>(
    'SELECT (SELECT count(*) FROM audit_event)::int + (SELECT count(*) FROM user_session)::int AS n',
  );
  return result.rows[0]?.n ?? 0;
}

before(async () => {
  server = await startTestServer();
  for (const policy of ROLE_POLICIES)
    await server.addUser(`as-${policy.role}`, [
      [policy.role, policy.scope === 'site' ? HOME_SITE : null],
    ]);
  await server.addUser('as-outsider', []);
  // The account the admin routes change (only the admin's calls are allowed: once each).
  await server.addUser('spare', [['monitor', null]]);
  for (const who of PRINCIPALS)
    clients.set(who, await server.client(who === 'anonymous' ? undefined : `as-${who}`));
});
after(() => server?.close());

test('every route of the OpenAPI document declares its access and has a request here', async () => {
  const document = (await (await server.client()).request('GET', '/api/v1/openapi.json')).body;
  const declared = new Set(server.app.declaredRoutes.map((r) => `${r.method} ${r.url}`));
  for (const [path, operations] of Object.entries(document.paths as Record<string, object>))
    for (const method of Object.keys(operations)) {
      const key = `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`;
      assert.ok(declared.has(key), `${key} is in the OpenAPI document but declares no access`);
    }
  for (const route of server.app.declaredRoutes) {
    const make = REQUESTS[`${route.method} ${route.url}`];
    assert.ok(make, `no request for ${route.method} ${route.url} in the matrix`);
    assert.deepEqual(
      route.access,
      make('anonymous').access,
      `${route.method} ${route.url}'s access`,
    );
  }
});

test('docs/roles.md lists every route with its access', () => {
  const doc = readFileSync(new URL('../../../docs/roles.md', import.meta.url), 'utf8');
  for (const route of server.app.declaredRoutes) {
    const path = route.url.replace('/api/v1', '').replace(/:(\w+)/g, '{$1}');
    const a = route.access;
    const access =
      a.kind === 'study'
        ? `\`${a.permission}\``
        : a.kind === 'public'
          ? 'anyone'
          : a.beforePasswordChange
            ? 'signed in (also before the forced password change)'
            : 'signed in';
    assert.ok(
      doc.includes(`| \`${route.method} ${path}\` | ${access} |`),
      `docs/roles.md: ${route.method} ${path} with ${access}`,
    );
  }
});

test('every role, an outsider and no session, on every route: as the policy declares', async () => {
  // Signing out last: it ends the session the other calls use.
  const routes = [...server.app.declaredRoutes].sort(
    (a, b) =>
      Number(a.method === 'DELETE' && a.url.endsWith('/session')) -
      Number(b.method === 'DELETE' && b.url.endsWith('/session')),
  );
  const refused: string[] = [];
  let calls = 0;
  for (const route of routes)
    for (const who of PRINCIPALS) {
      const make = REQUESTS[`${route.method} ${route.url}`];
      assert.ok(make);
      const call = make(who);
      const want = expected(route.access, who);
      const before = want === 'allowed' ? 0 : await changes();
      const response = await (clients.get(who) as ApiClient).request(
        route.method,
        call.path,
        call.body,
        call.headers,
      );
      calls++;
      const where = `${who} ${route.method} ${call.path}: ${response.status} ${JSON.stringify(response.body).slice(0, 200)}`;
      if (want === 'allowed') {
        const code: string | undefined = response.body?.error?.code;
        assert.ok(!code || !ACCESS_REFUSALS.has(code), `refused: ${where}`);
        assert.ok(
          route.access.kind !== 'study' || response.status !== 404 || call.notFoundWhenAllowed,
          `not found though allowed: ${where}`,
        );
        assert.ok(response.status < 500, `failed: ${where}`);
      } else {
        assert.equal(response.status, want, where);
        assert.ok(
          ['UNAUTHENTICATED', 'NOT_FOUND', 'FORBIDDEN'].includes(response.body.error.code),
          where,
        );
        assert.equal(await changes(), before, `a refused call changed something: ${where}`);
        refused.push(where);
      }
    }
  assert.equal(calls, routes.length * PRINCIPALS.length);
  assert.ok(refused.length > 0);
});
