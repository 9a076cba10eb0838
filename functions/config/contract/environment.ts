import type * as z from 'zod/mini';
import type { env } from '#config/env.ts';

/** The name of every variable a Herald function reads (the shape in `#config/env.ts`). */
export type EnvironmentName = keyof typeof env;

/** A variable's value as the CDK side gives it: the type the function's schema reads it into. */
type ValueOf<T> = T extends boolean
  ? boolean
  : T extends number
    ? number
    : T extends readonly string[]
      ? readonly string[]
      : T extends string
        ? T
        : never;

/**
 * A function's environment by the names and types its handlers read: an unknown or misspelt name, or
 * a number where a URL belongs, does not compile. Left out or `undefined`: the schema's default.
 */
export type FunctionEnvironment = {
  readonly [Name in EnvironmentName]?: ValueOf<NonNullable<z.output<(typeof env)[Name]>>>;
};

/**
 * The environment as Lambda takes it, every value a string that the function's schema parses back:
 * numbers and booleans as written, lists comma-separated; `undefined` is left out.
 */
export function environmentVariables(environment: FunctionEnvironment): Record<string, string> {
  const variables: Record<string, string> = {};
  for (const [name, value] of Object.entries(environment)) {
    if (value === undefined) continue;
    variables[name] = Array.isArray(value) ? value.join(',') : String(value);
  }
  return variables;
}
