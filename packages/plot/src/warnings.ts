/**
 * Warnings among the notes of a read or a figure: a note that says
 * "warning: " (a file cut short, a saturated colour scale) is kept where
 * other notes are left out (`--quiet`, `plot build`).
 */

/** Whether a note (`file: ...` or bare) is a warning. */
export function isWarning(note: string): boolean {
  return / warning: /.test(` ${note}`);
}
