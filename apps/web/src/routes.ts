/**
 * The application's pages as locations (the hash, so that a page can be reloaded and linked
 * without a server route): `#/studies/{s}` the study's dashboard, `#/studies/{s}/report` its report,
 * `#/studies/{s}/forms` its form status grid, `#/studies/{s}/sdv[/{p}]` source data verification,
 * `#/studies/{s}/quality` its data-quality checks, `#/studies/{s}/randomisation` its
 * randomisation, `#/studies/{s}/access` the study's accounts and access review,
 * `#/studies/{s}/audit[?filter]` its audit trail (the filter in the location:
 * components/audit/audit-trail.ts), `#/studies/{s}/subjects/{p}` a
 * subject, `#/studies/{s}/subjects/{p}/visits/{v}` a visit's entry (`new`: a new visit),
 * `#/account` one's own account.
 */
export type Route =
  | { readonly page: 'studies' }
  | { readonly page: 'account' }
  | { readonly page: 'access'; readonly studyId: string }
  | { readonly page: 'study'; readonly studyId: string }
  | { readonly page: 'report'; readonly studyId: string }
  /** The form status grid (issue 18). */
  | { readonly page: 'forms'; readonly studyId: string }
  /** Source data verification: progress and what is left, or one subject's values (issue 18). */
  | { readonly page: 'sdv'; readonly studyId: string; readonly subjectId: string | null }
  | { readonly page: 'quality'; readonly studyId: string }
  /** The audit trail; `query` its filter as the location writes it ('' for none; issue 18). */
  | { readonly page: 'audit'; readonly studyId: string; readonly query: string }
  /** The study's randomisation: the sealed list's header and counts (issue 18). */
  | { readonly page: 'randomisation'; readonly studyId: string }
  | { readonly page: 'subject'; readonly studyId: string; readonly subjectId: string }
  | {
      readonly page: 'visit';
      readonly studyId: string;
      readonly subjectId: string;
      /** null: a new visit. */
      readonly visitId: string | null;
    };

export function routeOf(hash: string): Route {
  // A page's own query (the audit trail's filter) follows the path, after `?`.
  const [path = '', query = ''] = hash.replace(/^#\/?/, '').split(/\?(.*)/s);
  const parts = path
    .split('/')
    .filter((p) => p !== '')
    .map(decodeURIComponent);
  const [studies, studyId, subjects, subjectId, visits, visitId] = parts;
  if (studies === 'account' && parts.length === 1) return { page: 'account' };
  if (studies !== 'studies' || !studyId) return { page: 'studies' };
  if (subjects === 'report') return { page: 'report', studyId };
  if (subjects === 'forms') return { page: 'forms', studyId };
  if (subjects === 'sdv') return { page: 'sdv', studyId, subjectId: subjectId ?? null };
  if (subjects === 'access') return { page: 'access', studyId };
  if (subjects === 'quality') return { page: 'quality', studyId };
  if (subjects === 'audit') return { page: 'audit', studyId, query };
  if (subjects === 'randomisation') return { page: 'randomisation', studyId };
  if (subjects !== 'subjects' || !subjectId) return { page: 'study', studyId };
  if (visits !== 'visits' || !visitId) return { page: 'subject', studyId, subjectId };
  return { page: 'visit', studyId, subjectId, visitId: visitId === 'new' ? null : visitId };
}

/** The location of a route (for links: `href={hrefOf(...)}`). */
export function hrefOf(route: Route): string {
  const e = encodeURIComponent;
  switch (route.page) {
    case 'studies':
      return '#/';
    case 'account':
      return '#/account';
    case 'access':
      return `#/studies/${e(route.studyId)}/access`;
    case 'study':
      return `#/studies/${e(route.studyId)}`;
    case 'report':
      return `#/studies/${e(route.studyId)}/report`;
    case 'forms':
      return `#/studies/${e(route.studyId)}/forms`;
    case 'sdv':
      return `#/studies/${e(route.studyId)}/sdv${route.subjectId === null ? '' : `/${e(route.subjectId)}`}`;
    case 'quality':
      return `#/studies/${e(route.studyId)}/quality`;
    case 'audit':
      return `#/studies/${e(route.studyId)}/audit${route.query === '' ? '' : `?${route.query}`}`;
    case 'randomisation':
      return `#/studies/${e(route.studyId)}/randomisation`;
    case 'subject':
      return `#/studies/${e(route.studyId)}/subjects/${e(route.subjectId)}`;
    case 'visit':
      return `#/studies/${e(route.studyId)}/subjects/${e(route.subjectId)}/visits/${e(route.visitId ?? 'new')}`;
  }
}
