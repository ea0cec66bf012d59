/** Schemas several routes share, named for the OpenAPI document. */
import { STUDY_ID_PATTERN } from '@jia-trial/dictionary';
import { z } from 'zod';

export const ErrorResponse = z
  .object({
    error: z.object({
      code: z.string().describe('Stable code (docs/errors.md)'),
      message: z.string(),
      issues: z.array(z.object({ path: z.string(), message: z.string() }).passthrough()),
      moreIssues: z.number().int().optional(),
      details: z.record(z.string(), z.unknown()).optional(),
    }),
  })
  .meta({ id: 'Error' });

export const SessionUser = z
  .object({
    id: z.string(),
    username: z.string(),
    displayName: z.string(),
    mustChangePassword: z.boolean(),
    secondFactor: z.enum(['none', 'totp']).describe('totp: signs in with an authenticator code'),
    mustEnrolSecondFactor: z
      .boolean()
      .describe('a role held requires a second factor the account has not enrolled yet'),
  })
  .meta({ id: 'User' });

/** A day as YYYY-MM-DD: the last day (UTC) of an account's or a role's validity. */
export const Day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

/** A study id in a path (the dictionary's pattern, which the database checks too). */
export const StudyId = z.string().regex(STUDY_ID_PATTERN);
/** A record id in a path (the dictionary's ids: 1-64 characters, no slash or control character). */
export const RecordId = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[^/\p{Cc}\s](?:[^/\p{Cc}]*[^/\p{Cc}\s])?$/u);

export const StudyParams = z.strictObject({ studyId: StudyId });
export const SubjectParams = z.strictObject({ studyId: StudyId, subjectId: RecordId });

/** The responses every route of a study can give besides its own. */
export const STUDY_ERRORS = {
  401: ErrorResponse,
  403: ErrorResponse,
  404: ErrorResponse,
} as const;
