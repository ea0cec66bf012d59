/** Problems found in a bundle, each an issue with its file, line and column, collected up to a limit. */
import { fileIssue, type Issue } from '@jia-trial/errors';

/** Where a problem is: its file, its 1-based line (0: the file as a whole), column and record. */
export interface ProblemPlace {
  readonly file: string;
  readonly line: number;
  readonly column: string | null;
  /** The record's id (a visit id) when the problem is in one. */
  readonly record?: string | null;
  readonly message: string;
}

export class ProblemList {
  readonly problems: Issue[] = [];
  /** Problems found beyond the limit (counted, not kept). */
  more = 0;
  private readonly perFile = new Map<string, number>();

  constructor(private readonly limit: number) {}

  add(place: ProblemPlace): void {
    this.addIssue(fileIssue(place));
  }

  addIssue(issue: Issue): void {
    const file = issue.file ?? '';
    this.perFile.set(file, (this.perFile.get(file) ?? 0) + 1);
    if (this.problems.length < this.limit) this.problems.push(issue);
    else this.more++;
  }

  countFor(file: string): number {
    return this.perFile.get(file) ?? 0;
  }

  get total(): number {
    return this.problems.length + this.more;
  }

  /** In file order (as listed), then line order. */
  sorted(fileOrder: readonly string[]): Issue[] {
    const rank = (file: string | undefined) => {
      const i = fileOrder.indexOf(file ?? '');
      return i < 0 ? fileOrder.length : i;
    };
    return [...this.problems].sort(
      (a, b) => rank(a.file) - rank(b.file) || (a.line ?? 0) - (b.line ?? 0),
    );
  }
}
