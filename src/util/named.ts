/**
 * Intersected into a public type derived from a schema (`type CosineDecayOptions =
 * z.input<typeof cosineDecaySchema> & Named`) so that TypeScript names it in errors. A plain
 * alias of a computed type (and an interface with one base and no members of its own) is
 * displayed as its whole expansion; an intersection keeps its alias. Adds no members, and
 * the type stays an alias (assignable to `Record<string, unknown>`, unlike an interface).
 */
export type Named = { [K in never]: never };
