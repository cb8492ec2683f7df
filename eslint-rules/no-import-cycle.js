// @ts-check
/**
 * `local/no-import-cycle`: no file may reach itself through the files it imports. Every relative
 * import counts: static, `export … from`, dynamic `import()`, and type-only ones. A type-only
 * cycle still ties two files together for a reader (neither can be read or moved without the
 * other), which is why this rule exists: eslint-plugin-import-x's no-cycle skips type imports,
 * and the one cycle this tree had (container.ts ⇄ kafka.module.ts) was a dynamic import one way
 * and a type import the other.
 */
import { readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import ts from 'typescript';

/** @type {Map<string, string[]>} each file's relative import targets, read once per lint run */
const importsOf = new Map();

/** @param {string} file */
function targets(file) {
  let found = importsOf.get(file);
  if (found) return found;
  let source;
  try {
    source = readFileSync(file, 'utf8');
  } catch {
    source = ''; // a file that went away imports nothing
  }
  found = ts
    .preProcessFile(source, true, true)
    .importedFiles.map((f) => f.fileName)
    .filter((name) => name.startsWith('./') || name.startsWith('../'))
    .map((name) => resolve(dirname(file), name));
  importsOf.set(file, found);
  return found;
}

/**
 * The shortest import path from `start` back to `start`, or undefined.
 * @param {string} start
 */
function cycleFrom(start) {
  /** @type {Map<string, string | undefined>} */
  const cameFrom = new Map([[start, undefined]]);
  /** @type {string[]} */
  let frontier = [start];
  while (frontier.length > 0) {
    /** @type {string[]} */
    const next = [];
    for (const file of frontier) {
      for (const target of targets(file)) {
        if (target === start) {
          const path = [start];
          for (let at = file; at !== undefined && at !== start; at = cameFrom.get(at)) {
            path.splice(1, 0, at);
          }
          return [...path, start];
        }
        if (cameFrom.has(target)) continue;
        cameFrom.set(target, file);
        next.push(target);
      }
    }
    frontier = next;
  }
  return undefined;
}

/** @type {import('eslint').Rule.RuleModule} */
const rule = {
  meta: {
    type: 'problem',
    docs: { description: 'forbid import cycles (type-only and dynamic imports included)' },
    schema: [],
    messages: { cycle: 'import cycle: {{path}}' },
  },
  create(context) {
    return {
      Program(node) {
        const file = context.filename;
        importsOf.delete(file); // the text being linted, not a stale read
        const cycle = cycleFrom(file);
        if (!cycle) return;
        const path = cycle.map((f) => relative(context.cwd, f)).join(' → ');
        context.report({ node, messageId: 'cycle', data: { path } });
      },
    };
  },
};

export default { rules: { 'no-import-cycle': rule } };
