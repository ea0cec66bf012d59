/**
 * The pages loaded on first use, as their own chunks: the dashboard, the first page, does not
 * wait for the body map, the outcome library, the charts or the report. Each chunk is fetched
 * once the first page has drawn (prefetchPages), and a page whose chunk is in reads it at once.
 *
 * React.lazy would suspend on every first render even of a loaded chunk, and React holds a
 * suspended page's content back for 300 ms (its fallback throttle): measured, a subject page
 * took 480 ms from navigation, 315 ms of it before its first request. So the import's promise
 * carries its own outcome (`status`, `value`: the fields React's `use` reads to return a settled
 * promise's value at once, without suspending).
 */
type Tracked<T> = Promise<T> & {
  status?: 'pending' | 'fulfilled' | 'rejected';
  value?: T;
  reason?: unknown;
};

function once<T>(load: () => Promise<T>): () => Promise<T> {
  let loading: Tracked<T> | null = null;
  return () => {
    if (loading) return loading;
    const tracked = load() as Tracked<T>;
    tracked.status = 'pending';
    tracked.then(
      (value) => {
        tracked.status = 'fulfilled';
        tracked.value = value;
      },
      (reason: unknown) => {
        tracked.status = 'rejected';
        tracked.reason = reason;
      },
    );
    loading = tracked;
    return tracked;
  };
}

export const subjectPageModule = once(() => import('./pages/SubjectPage'));
export const visitEntryModule = once(() => import('./pages/VisitEntry'));
export const reportPageModule = once(() => import('./pages/ReportPage'));
export const formStatusPageModule = once(() => import('./pages/FormStatusPage'));
export const sdvPageModule = once(() => import('./pages/SdvPage'));
export const accessPageModule = once(() => import('./pages/AccessPage'));
export const qualityPageModule = once(() => import('./pages/QualityPage'));
export const auditPageModule = once(() => import('./pages/AuditPage'));
export const randomisationPageModule = once(() => import('./pages/RandomisationPage'));

/** Fetches the other pages' code once the first page has drawn: opening them then waits for none. */
export function prefetchPages(): void {
  setTimeout(() => {
    // A failed fetch shows on the page that needs it (its error boundary).
    for (const load of [
      subjectPageModule,
      visitEntryModule,
      reportPageModule,
      formStatusPageModule,
      sdvPageModule,
      qualityPageModule,
      auditPageModule,
      randomisationPageModule,
    ])
      load().catch(() => {});
  }, 300);
}
