import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's root folder. */
export const REPO = fileURLToPath(new URL('../../', import.meta.url));

/** One import of a file: what it names, and the repository file it resolves to (none for a package). */
export interface ImportEdge {
  readonly specifier: string;
  /** The repository path (`functions/core/…`) of a `#…` or relative import. */
  readonly target?: string;
  /** The local names it brings in (`import { A, B as C }` → A, C). */
  readonly names: readonly string[];
}

// Biome puts every static import and re-export at the start of a line; whole-line comments are
// dropped first, so an example in a comment is no import.
const STATIC = /^[ \t]*(?:import|export)\b([\w\s{},*$]*?)\bfrom\s*(['"])([^'"\n]+)\2/gm;
const SIDE_EFFECT = /^[ \t]*import\s*(['"])([^'"\n]+)\1/gm;
const DYNAMIC = /\bimport\s*\(\s*(['"`])([^'"`$\n]+)\1\s*\)/g;
const LINE_COMMENT = /^[ \t]*(?:\/\/|\/\*|\*).*$/gm;

/** The specifiers a source imports — static, `import type`, re-exports, side effects and `import()`. */
export function importsOf(source: string): Array<{ specifier: string; names: string[] }> {
  const code = source.replace(LINE_COMMENT, '');
  const found: Array<{ specifier: string; names: string[] }> = [];
  for (const m of code.matchAll(STATIC)) {
    const clause = m[1] ?? '';
    const names = (clause.match(/\{([^}]*)\}/)?.[1] ?? '')
      .split(',')
      .map((part) => part.trim().replace(/^type\s+/, ''))
      .filter(Boolean)
      .map((part) => part.split(/\s+as\s+/).at(-1) ?? part);
    const defaultName = clause.replace(/\{[^}]*\}/, '').match(/^\s*(?:type\s+)?(\w+)/)?.[1];
    if (defaultName && defaultName !== 'type') names.push(defaultName);
    found.push({ specifier: m[3] ?? '', names });
  }
  for (const m of code.matchAll(SIDE_EFFECT)) found.push({ specifier: m[2] ?? '', names: [] });
  for (const m of code.matchAll(DYNAMIC)) found.push({ specifier: m[2] ?? '', names: [] });
  return found;
}

const manifest = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as {
  imports: Record<string, string>;
};

const toRepoPath = (absolute: string) => relative(REPO, absolute).split(sep).join('/');

/** The repository path a `#…` or relative specifier names, as package.json "imports" maps it. */
export function resolveSpecifier(specifier: string, fromFile: string): string | undefined {
  if (specifier.startsWith('.')) return toRepoPath(resolve(REPO, dirname(fromFile), specifier));
  if (!specifier.startsWith('#')) return undefined;
  for (const [pattern, target] of Object.entries(manifest.imports)) {
    const star = pattern.indexOf('*');
    if (star < 0) {
      if (pattern === specifier) return toRepoPath(resolve(REPO, target));
      continue;
    }
    const [prefix, suffix] = [pattern.slice(0, star), pattern.slice(star + 1)];
    if (
      specifier.startsWith(prefix) &&
      specifier.endsWith(suffix) &&
      specifier.length >= pattern.length - 1
    ) {
      const middle = specifier.slice(prefix.length, specifier.length - suffix.length);
      return toRepoPath(resolve(REPO, target.replace('*', middle)));
    }
  }
  return `unmapped alias ${specifier}`;
}

function* typeScriptFiles(folder: string): Generator<string> {
  for (const entry of readdirSync(join(REPO, folder), { withFileTypes: true })) {
    const path = `${folder}/${entry.name}`;
    if (entry.isDirectory()) yield* typeScriptFiles(path);
    else if (/\.m?ts$/.test(entry.name)) yield path;
  }
}

/**
 * Every TypeScript file under `folder` and every repository file they reach, each with its imports.
 * Files outside the folder (a contract shared with infra/, say) are read too, so a chain through them shows.
 */
export function importGraph(folder: string): Map<string, ImportEdge[]> {
  const graph = new Map<string, ImportEdge[]>();
  const queue = [...typeScriptFiles(folder)];
  for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
    if (graph.has(file)) continue;
    const edges = importsOf(readFileSync(join(REPO, file), 'utf8')).map(({ specifier, names }) => {
      const target = resolveSpecifier(specifier, file);
      return target === undefined ? { specifier, names } : { specifier, target, names };
    });
    graph.set(file, edges);
    for (const { target } of edges)
      if (
        target &&
        /\.m?ts$/.test(target) &&
        !target.startsWith('node_modules/') &&
        existsSync(join(REPO, target))
      )
        queue.push(target);
  }
  return graph;
}

/** Each import circle, as the files along it (the first repeated at the end); none when the graph has none. */
export function importCircles(graph: ReadonlyMap<string, readonly ImportEdge[]>): string[][] {
  const next = (file: string) =>
    (graph.get(file) ?? []).flatMap(({ target }) => (target && graph.has(target) ? [target] : []));
  // Tarjan's strongly connected components; each component with a loop holds at least one circle.
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const visit = (file: string) => {
    index.set(file, index.size);
    low.set(file, index.get(file) ?? 0);
    stack.push(file);
    onStack.add(file);
    for (const to of next(file)) {
      if (!index.has(to)) {
        visit(to);
        low.set(file, Math.min(low.get(file) ?? 0, low.get(to) ?? 0));
      } else if (onStack.has(to)) low.set(file, Math.min(low.get(file) ?? 0, index.get(to) ?? 0));
    }
    if (low.get(file) !== index.get(file)) return;
    const component: string[] = [];
    for (let top = stack.pop(); top !== undefined; top = stack.pop()) {
      onStack.delete(top);
      component.push(top);
      if (top === file) break;
    }
    if (component.length > 1 || next(file).includes(file)) components.push(component);
  };
  for (const file of [...graph.keys()].sort()) if (!index.has(file)) visit(file);
  // One shortest circle per component, through its first file, to name in a report.
  return components.map((component) => {
    const members = new Set(component);
    const start = [...component].sort()[0] ?? '';
    const cameFrom = new Map<string, string>([[start, start]]);
    let closing: string | undefined;
    const queue = [start];
    for (let file = queue.shift(); file !== undefined && closing === undefined; file = queue.shift())
      for (const to of next(file)) {
        if (to === start) {
          closing = file;
          break;
        }
        if (!members.has(to) || cameFrom.has(to)) continue;
        cameFrom.set(to, file);
        queue.push(to);
      }
    const circle = [start];
    for (let at = closing; at !== undefined && at !== start; at = cameFrom.get(at)) circle.splice(1, 0, at);
    return [...circle, start];
  });
}
