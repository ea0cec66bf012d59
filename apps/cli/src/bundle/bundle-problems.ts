/** Problems found in a bundle, each with its file, line and column, collected up to a limit. */

export interface BundleProblem {
  readonly file: string;
  /** 1-based line; 0 for a problem with the file as a whole (missing, unreadable). */
  readonly line: number;
  readonly column: string | null;
  readonly message: string;
}

export class ProblemList {
  readonly problems: BundleProblem[] = [];
  /** Problems found beyond the limit (counted, not kept). */
  more = 0;
  private readonly perFile = new Map<string, number>();

  constructor(private readonly limit: number) {}

  add(problem: BundleProblem): void {
    this.perFile.set(problem.file, (this.perFile.get(problem.file) ?? 0) + 1);
    if (this.problems.length < this.limit) this.problems.push(problem);
    else this.more++;
  }

  countFor(file: string): number {
    return this.perFile.get(file) ?? 0;
  }

  get total(): number {
    return this.problems.length + this.more;
  }

  /** In file order (as listed), then line order. */
  sorted(fileOrder: readonly string[]): BundleProblem[] {
    const rank = (file: string) => {
      const i = fileOrder.indexOf(file);
      return i < 0 ? fileOrder.length : i;
    };
    return [...this.problems].sort((a, b) => rank(a.file) - rank(b.file) || a.line - b.line);
  }
}

/** `file:line: column c: message`, the form editors and CI logs link to. */
export function formatBundleProblem(dir: string, problem: BundleProblem): string {
  const where =
    problem.line > 0 ? `${dir}/${problem.file}:${problem.line}` : `${dir}/${problem.file}`;
  return `${where}: ${problem.column === null ? '' : `column ${problem.column}: `}${problem.message}`;
}
