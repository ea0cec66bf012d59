/**
 * What a CSV header saved by a spreadsheet gets wrong, in words (issue 16): Excel in many European
 * languages separates fields with semicolons (the comma is their decimal mark), which this reader
 * sees as one column holding the whole header; a header name typed with a space around it looks
 * right on screen and matches no column. Both readers (visits CSV, bundle files) use these.
 */

/**
 * The message for a header that is one field of known names separated by semicolons, or null.
 * One such problem replaces the unknown column and every "required column is missing".
 */
export function semicolonSeparatedHeader(
  names: readonly string[],
  known: readonly string[],
): string | null {
  if (names.length !== 1) return null;
  const parts = (names[0] as string).split(';').map((part) => part.trim());
  if (parts.length < 2 || !parts.some((part) => known.includes(part))) return null;
  return 'the header is separated by semicolons (as Excel saves CSV in many European languages), not commas: save the file as "CSV UTF-8 (Comma delimited)", or replace each ; with a comma';
}

/** A header name that is no column: the column as shown (quoted when spaces would hide) and why. */
export function unknownColumn(
  name: string,
  known: readonly string[],
): { readonly column: string; readonly message: string } {
  const trimmed = name.trim();
  if (trimmed !== name)
    return {
      column: JSON.stringify(name),
      message: known.includes(trimmed)
        ? `has a space before or after it: the column is ${trimmed}`
        : `unknown column, with a space before or after it (expected: ${known.join(', ')})`,
    };
  return { column: name, message: `unknown column (expected: ${known.join(', ')})` };
}
