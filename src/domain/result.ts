/** A value that is either a success or a list of field-level problems; never thrown. */
export type Result<T> = { ok: true; value: T } | { ok: false; problems: FieldProblem[] };

/** One thing wrong with one input field, in words a caller can show to a person. */
export interface FieldProblem {
  field: string;
  message: string;
}

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const invalid = <T>(field: string, message: string): Result<T> => ({
  ok: false,
  problems: [{ field, message }],
});
