// Views and triggers: CREATE [OR REPLACE] … VIEW, ALTER VIEW, DROP VIEW, CREATE TRIGGER,
// DROP TRIGGER. The SELECT of a view and the body of a trigger are parsed here (so that bad
// text is a 1064 at CREATE) and kept as written (docs/design/sql.md, "Views" and "Triggers").
import type {
  CreateTrigger,
  CreateView,
  DropTrigger,
  DropView,
  TableName,
  TriggerStatement,
  UserName,
} from './ast.js';
import type { Cursor } from './cursor.js';
import { parseUserName } from './parse-admin.js';
import { parseDelete, parseInsert, parseUpdate } from './parse-dml.js';
import { parseExpr } from './parse-expression.js';
import { parseNameList, parseQuery, parseTableName } from './parse-select.js';

/** What may stand between CREATE [OR REPLACE] / ALTER and VIEW or TRIGGER. */
export interface ObjectPrefix {
  readonly orReplace: boolean;
  readonly algorithm: CreateView['algorithm'];
  readonly definer: UserName | null;
  readonly security: CreateView['security'];
}

/** Reads `[OR REPLACE] [ALGORITHM = …] [DEFINER = …] [SQL SECURITY …]`. */
export function parseObjectPrefix(c: Cursor, allowReplace: boolean): ObjectPrefix {
  const orReplace = allowReplace && c.acceptWords('OR', 'REPLACE');
  let algorithm: CreateView['algorithm'] = 'UNDEFINED';
  let definer: UserName | null = null;
  let security: CreateView['security'] = 'DEFINER';
  if (c.acceptWord('ALGORITHM')) {
    c.expectOp('=');
    algorithm = (c.oneOf(['UNDEFINED', 'MERGE', 'TEMPTABLE']) ?? c.fail()) as typeof algorithm;
  }
  if (c.acceptWord('DEFINER')) {
    c.expectOp('=');
    const user = parseUserName(c);
    definer = user.user === '' && user.host === '' ? null : user;
  }
  if (c.acceptWords('SQL', 'SECURITY'))
    security = (c.oneOf(['DEFINER', 'INVOKER']) ?? c.fail()) as typeof security;
  return { orReplace, algorithm, definer, security };
}

export function parseView(c: Cursor, prefix: ObjectPrefix, alter: boolean): CreateView {
  c.expectWord('VIEW');
  const ifNotExists = !alter && c.acceptWords('IF', 'NOT', 'EXISTS');
  const view = parseTableName(c);
  const columns = c.isOp('(') ? parseNameList(c) : null;
  c.expectWord('AS');
  const first = c.peek().start;
  const query = parseQuery(c);
  const queryText = c.sql.slice(first, c.previous().end);
  let checkOption: CreateView['checkOption'] = null;
  if (c.acceptWord('WITH')) {
    checkOption = c.acceptWord('LOCAL') ? 'LOCAL' : (c.acceptWord('CASCADED'), 'CASCADED');
    c.expectWord('CHECK');
    c.expectWord('OPTION');
  }
  return {
    kind: 'create_view',
    alter,
    orReplace: prefix.orReplace,
    ifNotExists,
    algorithm: prefix.algorithm,
    definer: prefix.definer,
    security: prefix.security,
    view,
    columns,
    query,
    queryText,
    checkOption,
  };
}

export function parseDropView(c: Cursor): DropView {
  const ifExists = c.acceptWords('IF', 'EXISTS');
  const views: TableName[] = [parseTableName(c)];
  while (c.acceptOp(',')) views.push(parseTableName(c));
  c.oneOf(['RESTRICT', 'CASCADE']);
  return { kind: 'drop_view', ifExists, views };
}

export function parseTrigger(c: Cursor, prefix: ObjectPrefix): CreateTrigger {
  c.expectWord('TRIGGER');
  const ifNotExists = c.acceptWords('IF', 'NOT', 'EXISTS');
  const name = parseTableName(c);
  const timing = (c.oneOf(['BEFORE', 'AFTER']) ?? c.fail()) as CreateTrigger['timing'];
  const event = (c.oneOf(['INSERT', 'UPDATE', 'DELETE']) ?? c.fail()) as CreateTrigger['event'];
  c.expectWord('ON');
  const table = parseTableName(c);
  c.expectWord('FOR');
  c.expectWord('EACH');
  c.expectWord('ROW');
  if (c.isWord('FOLLOWS') || c.isWord('PRECEDES')) c.unsupported('FOLLOWS/PRECEDES');
  const first = c.peek().start;
  const body: TriggerStatement[] = [];
  if (c.acceptWord('BEGIN')) {
    while (!c.isWord('END')) {
      if (c.acceptOp(';')) continue;
      body.push(...parseTriggerStatement(c));
      if (!c.isWord('END')) c.expectOp(';');
    }
    c.expectWord('END');
  } else body.push(...parseTriggerStatement(c));
  return {
    kind: 'create_trigger',
    orReplace: prefix.orReplace,
    ifNotExists,
    definer: prefix.definer,
    name,
    timing,
    event,
    table,
    body,
    bodyText: c.sql.slice(first, c.previous().end),
  };
}

function parseTriggerStatement(c: Cursor): TriggerStatement[] {
  if (c.isWord('INSERT') || c.isWord('REPLACE')) return [parseInsert(c)];
  if (c.isWord('UPDATE')) return [parseUpdate(c)];
  if (c.isWord('DELETE')) return [parseDelete(c)];
  if (!c.acceptWord('SET')) {
    const word = c.peek().upper;
    if (['IF', 'DECLARE', 'CASE', 'WHILE', 'LOOP', 'REPEAT', 'SIGNAL', 'CALL'].includes(word))
      c.unsupported(`${word} in a trigger`);
    return c.fail();
  }
  const out: TriggerStatement[] = [];
  do {
    // Only NEW.col is assignable in a trigger here; @v and local variables are not kept.
    if (!c.isWord('NEW') || !c.isOp('.', 1)) c.unsupported('SET of a variable in a trigger');
    c.pos += 2;
    const column = c.identifier();
    if (!c.acceptOp('=')) c.expectOp(':=');
    out.push({ kind: 'set_new', column, value: parseExpr(c) });
  } while (c.acceptOp(','));
  return out;
}

export function parseDropTrigger(c: Cursor): DropTrigger {
  const ifExists = c.acceptWords('IF', 'EXISTS');
  return { kind: 'drop_trigger', ifExists, name: parseTableName(c) };
}
