import type { Context } from 'hono';
import type { ZodError } from 'zod';
import type { FieldProblem } from '../../domain/result.ts';
import { errorBody } from './error-body.ts';

type Issue = ZodError['issues'][number];

/** One issue as a field-level problem: `{ field: "userId", message: "…" }`. */
function problemOf(issue: Issue): FieldProblem {
  if (issue.code === 'unrecognized_keys') {
    return { field: issue.keys.join(','), message: 'is not a known field' };
  }
  const field = issue.path.length > 0 ? issue.path.join('.') : 'body';
  // The schemas say their rule in our words (schemas.ts, `ourWords`), "is required" included;
  // a schema without them still reports a missing field that way.
  const missing = issue.code === 'invalid_type' && /received undefined/.test(issue.message);
  return { field, message: missing ? 'is required' : issue.message };
}

/**
 * Turns zod's issues into field-level problems, ONE per field: zod reports every failed check
 * (`1e308` fails both `int()`'s safe range and our maximum), and a client needs the field's rule
 * once, not the same complaint twice. The first issue of a field is its problem.
 */
export function fieldProblems(error: ZodError): FieldProblem[] {
  const byField = new Map<string, string>();
  for (const issue of error.issues) {
    const { field, message } = problemOf(issue);
    if (!byField.has(field)) byField.set(field, message);
  }
  return [...byField].map(([field, message]) => ({ field, message }));
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
