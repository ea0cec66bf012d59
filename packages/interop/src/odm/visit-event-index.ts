/**
 * The study event of every visit of a study, kept compactly for the Transactional export
 * (export-odm.ts), which must know where each visit is now while it streams the whole audit
 * trail in the trail's order (so it cannot go subject by subject).
 *
 * A 200,000-visit study held a `Map` of `subject\0visit` strings to `{ oid, repeatKey }` objects,
 * each with its own copy of the OID: some 200 bytes a visit. Here a visit is one entry of a `Map`
 * keyed by its visit id (unique in a study: the visit table's key is (study_id, visit_id),
 * migration 0002), whose value is one small integer: the subject's index in an interned list
 * times the number of event kinds, plus the kind's index (an OID and whether it repeats, a
 * handful per protocol). The repeat key of a repeating event is the visit's id (odm-events.ts),
 * so it is not stored. The VisitEvent objects are made when asked for.
 */
import type { VisitEvent } from './odm-events.js';

/** More kinds than any protocol has visits; the factor of the integer code. */
const KIND_SLOTS = 1024;

interface Kind {
  readonly oid: string;
  readonly repeating: boolean;
  /** The event of a non-repeating kind, shared by every visit of it. */
  readonly shared: VisitEvent | null;
}

export class VisitEventIndex {
  readonly #kinds: Kind[] = [];
  readonly #kindIndex = new Map<string, number>();
  readonly #subjects: string[] = [];
  readonly #subjectIndex = new Map<string, number>();
  readonly #byVisit = new Map<string, number>();

  /** The number of visits indexed. */
  get size(): number {
    return this.#byVisit.size;
  }

  /**
   * Adds the visits of a subject with their events (odm-events.ts visitEvents). A repeating
   * event's repeat key must be the visit's id, and a visit id may be added once.
   */
  add(subjectId: string, events: ReadonlyMap<string, VisitEvent>): void {
    let subject = this.#subjectIndex.get(subjectId);
    if (subject === undefined) {
      subject = this.#subjects.length;
      this.#subjects.push(subjectId);
      this.#subjectIndex.set(subjectId, subject);
    }
    for (const [visitId, event] of events) {
      if (event.repeatKey !== undefined && event.repeatKey !== visitId)
        throw new RangeError(
          `visit ${visitId}: the repeat key ${event.repeatKey} is not the visit's id`,
        );
      if (this.#byVisit.has(visitId))
        throw new RangeError(`visit ${visitId} is indexed twice (visit ids are unique in a study)`);
      // Beyond 2^30 / KIND_SLOTS subjects the code is a heap number: slower, still exact.
      this.#byVisit.set(visitId, subject * KIND_SLOTS + this.#kindOf(event));
    }
  }

  /** The event of the visit of this subject; undefined when the subject has no such visit. */
  get(subjectId: string, visitId: string): VisitEvent | undefined {
    const code = this.#byVisit.get(visitId);
    if (code === undefined) return undefined;
    const subject = Math.floor(code / KIND_SLOTS);
    if (this.#subjects[subject] !== subjectId) return undefined;
    const kind = this.#kinds[code - subject * KIND_SLOTS] as Kind;
    return kind.shared ?? { oid: kind.oid, repeatKey: visitId };
  }

  #kindOf(event: VisitEvent): number {
    const repeating = event.repeatKey !== undefined;
    const key = `${repeating ? 'R' : 'N'}${event.oid}`;
    let index = this.#kindIndex.get(key);
    if (index === undefined) {
      index = this.#kinds.length;
      if (index >= KIND_SLOTS)
        throw new RangeError(`more than ${KIND_SLOTS} study event kinds in one study`);
      this.#kinds.push({
        oid: event.oid,
        repeating,
        shared: repeating ? null : { oid: event.oid, repeatKey: undefined },
      });
      this.#kindIndex.set(key, index);
    }
    return index;
  }
}
