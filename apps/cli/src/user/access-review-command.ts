/**
 * `jia-trial access-review --study ID [--format csv|json]`: the study's periodic access review
 * (docs/data-management.md, "Accounts and access"): every role grant, who granted it and when,
 * until when, and each account's state and last sign-in, as the server's
 * `GET /studies/{studyId}/access-review` gives it. Read-only.
 */
import { JiaError } from '@jia-trial/errors';
import { accessReview, accessReviewCsv } from '@jia-trial/store';
import { type StoreIo, withStore } from '../store/store-commands.js';

export const ACCESS_REVIEW_FORMATS = ['csv', 'json'] as const;

export async function runAccessReview(
  io: Pick<StoreIo, 'env' | 'note' | 'out'>,
  options: { readonly study: string; readonly format: string },
): Promise<void> {
  if (!(ACCESS_REVIEW_FORMATS as readonly string[]).includes(options.format))
    throw new JiaError('USAGE_ERROR', `--format is csv or json, not ${options.format}`);
  const review = await withStore(io, (store) => accessReview(store, options.study));
  io.out(
    options.format === 'json' ? `${JSON.stringify(review, null, 2)}\n` : accessReviewCsv(review),
  );
}
