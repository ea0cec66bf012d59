/**
 * What makes a discrepancy the same one from check to check (ADR 0042): its rule, its record, its
 * field and its occasion; and the values it was raised on, compared as canonical JSON.
 */

export interface DiscrepancyIdentity {
  readonly ruleId: string;
  readonly table: string;
  readonly recordKey: string;
  readonly field: string | null;
  readonly occasion: string;
}

/** One string per identity; the parts joined by a character no part may hold. */
export function identityOf(d: DiscrepancyIdentity): string {
  return [d.ruleId, d.table, d.recordKey, d.field ?? '', d.occasion].join('\u0000');
}

/** JSON with object keys sorted, so that values read back from jsonb compare equal. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) =>
            a < b ? -1 : a > b ? 1 : 0,
          ),
        )
      : v,
  );
}
