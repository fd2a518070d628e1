// Splits text holding several statements at top-level semicolons, using the tokenizer so that
// semicolons inside strings, names and comments do not count. For CLIENT_MULTI_STATEMENTS and
// for loading mysqldump output (the mysqldump SST method); DELIMITER is a client command and
// not handled here. A CREATE TRIGGER's `BEGIN … END` body holds its own semicolons: they do not
// end the statement (the mariadb client sends the whole definition after DELIMITER).
import { type Result, ok } from './errors.js';
import type { ParseModes } from './parse-modes.js';
import { type Token, tokenize } from './tokenizer.js';

/** How deep the current CREATE TRIGGER statement is inside BEGIN/CASE … END. */
class BlockDepth {
  depth = 0;
  private trigger = false;
  private create = false;

  see(t: Token, first: boolean): void {
    if (t.type !== 'word') return;
    if (first) this.create = t.upper === 'CREATE';
    else if (this.create && t.upper === 'TRIGGER') this.trigger = true;
    if (!this.trigger) return;
    if (t.upper === 'BEGIN' || t.upper === 'CASE') this.depth++;
    else if (t.upper === 'END' && this.depth > 0) this.depth--;
  }

  reset(): void {
    this.depth = 0;
    this.trigger = false;
    this.create = false;
  }
}

/** The statements' texts (read under `modes`), trimmed; text with no tokens (only comments) is dropped. */
export function splitStatements(sql: string, modes: ParseModes = 0): Result<string[]> {
  const tokens = tokenize(sql, modes);
  if (!tokens.ok) return tokens;
  const out: string[] = [];
  let start = 0;
  let tokensSince = 0;
  const block = new BlockDepth();
  for (const t of tokens.value) {
    const end = t.type === 'eof' || (t.type === 'op' && t.text === ';' && block.depth === 0);
    if (!end) {
      block.see(t, tokensSince === 0);
      tokensSince++;
      continue;
    }
    if (tokensSince > 0) out.push(sql.slice(start, t.start).trim());
    start = t.end;
    tokensSince = 0;
    block.reset();
  }
  return ok(out);
}
