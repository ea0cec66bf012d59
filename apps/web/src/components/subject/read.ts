/**
 * Readers for the API's loosely typed JSON. The OpenAPI document types a record as
 * `{ [key: string]: unknown }` (its fields are the field dictionary's, not spelled out in the
 * schema), so the subject page narrows each value it shows here, once: a value of another type
 * reads as null (shown as "—"), never as a wrong number.
 */

export type Json = { readonly [key: string]: unknown };

export const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export const objectOf = (value: unknown): Json => (isObject(value) ? value : {});

export const textOf = (value: unknown): string | null => (typeof value === 'string' ? value : null);

export const numberOf = (value: unknown): number | null =>
  typeof value === 'number' && Number.isFinite(value) ? value : null;

export const booleanOf = (value: unknown): boolean | null =>
  typeof value === 'boolean' ? value : null;

export const listOf = (value: unknown): readonly unknown[] => (Array.isArray(value) ? value : []);

export const textsOf = (value: unknown): string[] =>
  listOf(value).filter((v): v is string => typeof v === 'string');
