/**
 * A file name or document id as it may be printed to a terminal or a log line: control characters
 * (a newline would forge a line of output) and bidirectional overrides (an RTL mark can make
 * "gpj.exe" read as "exe.jpg") shown as \u escapes instead of acting.
 */
const UNPRINTABLE = /[\p{Cc}\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu;

export function printable(name: string): string {
  return name.replace(UNPRINTABLE, (c) => `\\u${c.codePointAt(0)!.toString(16).padStart(4, '0')}`);
}
