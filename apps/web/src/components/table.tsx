import type { ReactNode } from 'react';

/** A table's column headings, each a `th scope="col"` (screen readers name each cell by it). */
export function ColumnHeads({ names }: { readonly names: readonly string[] }) {
  return (
    <thead>
      <tr>
        {names.map((name) => (
          <th key={name} scope="col">
            {name}
          </th>
        ))}
      </tr>
    </thead>
  );
}

/**
 * A box that scrolls sideways when its table is wider than the page (a tablet at 768 px): it
 * takes the keyboard focus and a name, so that a keyboard user can scroll it too (WCAG 2.1.1;
 * axe's scrollable-region-focusable).
 */
export function ScrollBox({
  label,
  children,
}: {
  readonly label: string;
  readonly children: ReactNode;
}) {
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must be focusable to be scrolled by keyboard.
    <section className="scroll" aria-label={label} tabIndex={0}>
      {children}
    </section>
  );
}
