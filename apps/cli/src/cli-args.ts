/** Option parsers shared by the commands. */
import { InvalidArgumentError } from 'commander';

export const positiveInteger = (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new InvalidArgumentError(`must be a whole number >= 1, got ${JSON.stringify(value)}`);
  return n;
};
