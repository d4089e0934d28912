// Annotations as P4Info preambles carry them: written back as in the P4
// source, as p4c does, except those P4Info represents elsewhere (@name and
// @id in the preamble, @brief and @description in its documentation).
import type * as ast from '../compiler/ast.js';

const REPRESENTED_ELSEWHERE = new Set(['name', 'id', 'brief', 'description']);

export function preambleAnnotations(annotations: ast.Annotation[]): string[] {
  return annotations.filter((a) => !REPRESENTED_ELSEWHERE.has(a.name)).map((a) => (a.body === undefined ? `@${a.name}` : `@${a.name}(${a.body})`));
}
