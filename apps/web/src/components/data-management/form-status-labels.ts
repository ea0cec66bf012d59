/**
 * How the form statuses and the schedule's visit statuses read (docs/data-management.md, "Form
 * status"): a word for each, and a short mark for the grid's cells (the word is the cell's
 * accessible text, so the mark is never the only carrier).
 */
import type { FormStatus } from '@jia-trial/dictionary';

export const FORM_STATUS_LABELS: Readonly<Record<FormStatus, string>> = {
  not_started: 'not started',
  incomplete: 'incomplete',
  complete: 'complete',
  verified: 'verified',
  signed: 'signed',
  locked: 'locked',
};

export const SCHEDULE_STATUS_LABELS: Readonly<Record<string, string>> = {
  upcoming: 'upcoming',
  due: 'due',
  overdue: 'overdue',
  missed: 'missed',
  done: 'done',
};

/** A form's name in a cell: its short label (the grid's legend lists the full ones). */
export const FORM_SHORT_LABELS: Readonly<Record<string, string>> = {
  visit_core: 'Core',
  joint_examination: 'Joints',
  chaq: 'CHAQ',
  laboratory: 'Lab',
  medications: 'Meds',
  adverse_events: 'AEs',
  eligibility: 'Elig.',
  infusions: 'Inf.',
};
