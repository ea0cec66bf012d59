/** The ASCII bytes and number limits the CSV reader and writer both work with. */
export const TAB = 9;
export const LF = 10;
export const CR = 13;
export const SPACE = 32;
export const QUOTE = 34;
export const COMMA = 44;
export const MINUS = 45;
export const DOT = 46;
export const ZERO = 48;
/** Every integer below this is exact in a double. */
export const TWO_POW_53 = 9007199254740992;
