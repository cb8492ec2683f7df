import type { FieldProblem } from '../../domain/result.ts';

/** Every error this API returns has this one shape, with a stable machine-readable code. */
export interface ErrorBody {
  error: { code: string; message: string; fields?: FieldProblem[] };
}

export function errorBody(code: string, message: string, fields?: FieldProblem[]): ErrorBody {
  return { error: { code, message, ...(fields && fields.length > 0 ? { fields } : {}) } };
}
