import type { Context } from 'hono';
import type { ZodError } from 'zod';
import type { FieldProblem } from '../../domain/result.ts';
import { errorBody } from './error-body.ts';

/** Turns zod's issues into field-level problems: `{ field: "userId", message: "…" }`. */
export function fieldProblems(error: ZodError): FieldProblem[] {
  return error.issues.map((issue) => {
    if (issue.code === 'unrecognized_keys') {
      return { field: issue.keys.join(','), message: 'is not a known field' };
    }
    const field = issue.path.length > 0 ? issue.path.join('.') : 'body';
    const missing = issue.code === 'invalid_type' && /received undefined/.test(issue.message);
    const message = missing ? 'is required' : issue.message;
    return { field, message };
  });
}

/** The default hook of every route: a 400 VALIDATION_FAILED naming each bad field. */
export function validationHook(
  result: { success: true } | { success: false; error: ZodError },
  c: Context,
): Response | undefined {
  if (result.success) return undefined;
  return c.json(
    errorBody('VALIDATION_FAILED', 'the request is not valid', fieldProblems(result.error)),
    400,
  );
}
