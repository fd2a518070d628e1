// The shape of a compat case: setup statements (run, not compared, except that a setup failure
// is part of the answer) and the steps whose answers are compared between MariaDB and trireme.

/**
 * A statement under test: text (text protocol), or text with parameters (prepared, binary
 * protocol), or a statement whose values change from run to run (NOW(), UUID()) and of which
 * only the column types are compared.
 */
export type Step =
  | string
  | { readonly sql: string; readonly params: readonly unknown[] }
  | { readonly sql: string; readonly typesOnly: true };

export interface CompatCase {
  /** Unique within the corpus: `<category>/<name>`. */
  readonly id: string;
  readonly category: Category;
  readonly setup: readonly string[];
  readonly steps: readonly Step[];
}

export const CATEGORIES = [
  'types',
  'strict',
  'decimal',
  'dates',
  'collation',
  'functions',
  'dml',
  'constraints',
  'metadata',
  'queries',
  'objects',
] as const;
export type Category = (typeof CATEGORIES)[number];

/**
 * Builds the cases of one category and checks the ids are unique there. `name` defaults to the
 * case's position; give one where the statement alone does not say what is checked.
 */
export class CaseList {
  readonly cases: CompatCase[] = [];
  private readonly ids = new Set<string>();

  constructor(readonly category: Category) {}

  /** One case; steps are compared, setup is not. */
  add(name: string, setup: readonly string[], ...steps: Step[]): void {
    const id = `${this.category}/${name}`;
    if (this.ids.has(id)) throw new Error(`duplicate compat case id ${id}`);
    if (steps.length === 0) throw new Error(`compat case ${id} has no step`);
    this.ids.add(id);
    this.cases.push({ id, category: this.category, setup, steps });
  }

  /** One case per statement, without setup; the id is the statement text. */
  selects(setup: readonly string[], statements: readonly string[]): void {
    for (const sql of statements) this.add(sql, setup, sql);
  }
}
