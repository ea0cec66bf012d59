/**
 * What was typed into a form, kept in sessionStorage (this tab only; gone when it closes) until
 * it is saved or discarded, so that an expired session (401) or a lost connection loses
 * nothing: the form restores it when it opens again, and says so. One draft per form and record
 * (`visit:demo:D01:D01-W8`, `record:demo:D01:adverse_event:new`); nothing is sent anywhere.
 */
const PREFIX = 'jia-trial:draft:';

export interface Draft<T> {
  /** What was kept; null when nothing was (or it cannot be read back). */
  readonly load: () => T | null;
  readonly keep: (value: T) => void;
  readonly drop: () => void;
}

export function draftOf<T>(...keyParts: readonly string[]): Draft<T> {
  const key = `${PREFIX}${keyParts.join(':')}`;
  return {
    load: () => {
      try {
        const text = sessionStorage.getItem(key);
        return text ? (JSON.parse(text) as T) : null;
      } catch {
        return null;
      }
    },
    keep: (value) => {
      try {
        sessionStorage.setItem(key, JSON.stringify(value));
      } catch {
        // Storage full or refused: the form still works, only the safety net is missing.
      }
    },
    drop: () => sessionStorage.removeItem(key),
  };
}
