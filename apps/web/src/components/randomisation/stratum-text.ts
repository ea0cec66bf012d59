/**
 * A stratum in words: the store names it `ilar_category=systemic;sex=F` (packages/protocol
 * randomisation.ts, `strataOf`), or `all` when the protocol has no strata. Each field is named by
 * the field dictionary's label of the subject field, and a level that is a code of its list by the
 * code's label; a level that names a group of codes (the protocol's `groups`) is shown as named.
 */
import { recordType } from '@jia-trial/dictionary';
import { labelOf } from '../subject/format.js';

export function stratumText(stratum: string): string {
  if (stratum === 'all') return 'all subjects (one stratum)';
  const fields = recordType('subject').fields;
  return stratum
    .split(';')
    .map((part) => {
      const [name = '', level = ''] = part.split('=');
      const field = fields.find((f) => f.name === name);
      if (!field) return part;
      return `${field.label}: ${field.codeList ? labelOf(field.codeList, level) : level}`;
    })
    .join('; ');
}
