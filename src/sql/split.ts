// Splits text holding several statements at top-level semicolons, using the tokenizer so that
// semicolons inside strings, names and comments do not count. For CLIENT_MULTI_STATEMENTS and
// for loading mysqldump output (the mysqldump SST method); DELIMITER is a client command and
// not handled here.
import { type Result, ok } from './errors.js';
import { tokenize } from './tokenizer.js';

/** The statements' texts, trimmed; text with no tokens (only comments) is dropped. */
export function splitStatements(sql: string): Result<string[]> {
  const tokens = tokenize(sql);
  if (!tokens.ok) return tokens;
  const out: string[] = [];
  let start = 0;
  let tokensSince = 0;
  for (const t of tokens.value) {
    const end = t.type === 'eof' || (t.type === 'op' && t.text === ';');
    if (!end) {
      tokensSince++;
      continue;
    }
    if (tokensSince > 0) out.push(sql.slice(start, t.start).trim());
    start = t.end;
    tokensSince = 0;
  }
  return ok(out);
}
