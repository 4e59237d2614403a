/**
 * Compile-time helpers for the drift checks between zod schemas (at the edges) and the plain types
 * inside: `Assert<Equals<z.output<typeof S>, T>>` fails `npm run typecheck` when they differ. Types only:
 * erased at run time, so importing this module costs nothing.
 */

/** True only when A and B are the same type (not merely assignable one way). */
export type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
export type Assert<T extends true> = T;
