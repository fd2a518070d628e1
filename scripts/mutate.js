// Mutation testing of the safety code (docs/design/mutation.md): makes small mutants of the
// compiled JS in dist/ (one operator flipped, one condition dropped or negated, one statement
// dropped, one literal changed), runs the tests that guard each file against every mutant in a
// private copy of dist, and reports the mutants no test killed.
//
// Usage: node scripts/mutate.js [--files raft,log] [--max N] [--seeds N] [--txn-seeds N]
//        [--workers N] [--match TEXT] [--list] [--no-build] [--all]
//   --files      only targets whose path contains one of these substrings
//   --max N      run at most N mutants (spread evenly over what is left to run)
//   --seeds N    raft simulator seeds per consensus mutant (default 200)
//   --txn-seeds  bank and append (and ddl) simulator seeds per certification (transaction) mutant
//                (default 8 each)
//   --match TEXT only mutants whose id contains TEXT
//   --list       print the mutants and exit without running anything
//   --all        also run the mutants docs/design/mutation.md lists as equivalent
//   --skip-tests leave out test files whose name contains one of these substrings (the score
//                before new tests were written)
//   --wide       all of raft.ts and progress.ts, not only the safety rules (about an hour)
//   --resume FILE  take every result of an interrupted run's report and run the rest
//   --rerun FILE take the mutants a previous report (dist/mutate-report.json) marks killed as
//                killed, and run only the others: the score after new tests, in minutes
import ts from 'typescript';
import { spawn, spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { SourceMap } from 'node:module';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { setTimeout, clearTimeout } from 'node:timers';
import { parseArgs } from 'node:util';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');
const equivalentsDoc = join(root, 'docs/design/mutation.md');

// ---- what is mutated, and which tests guard it ----

/**
 * Raft's safety rules: voting and terms, commit, and configuration. The rest of raft.ts
 * (replication pacing, flow control, reads, leadership transfer, catch-up reports, proposals,
 * leaving) is mutated only with --wide: its mistakes cost liveness, which the simulator checks
 * too, but a full run of it takes an hour on two workers.
 */
const raftSafety = [
  // votes and terms
  'quorumOf',
  'Raft.campaign',
  'Raft.tallyVotes',
  'Raft.onVoteRequest',
  'Raft.onVoteResponse',
  'Raft.acceptHigherTerm',
  'Raft.onStaleTerm',
  'Raft.onMessage',
  'Raft.becomeRole',
  'Raft.becomeFollower',
  'Raft.becomeCandidate',
  'Raft.becomeLeader',
  'Raft.resetCommonState',
  'Raft.inLease',
  'Raft.isPromotable',
  'Raft.onTimeoutNow',
  'Raft.hardState',
  'sameHardState',
  // commit
  'Raft.maybeCommit',
  'Raft.commitTo',
  'Raft.onLeaderCommit',
  'Raft.committedInTerm',
  'Raft.onPersisted',
  'Raft.onApplied',
  'Raft.onAppend',
  'Raft.onHeartbeat',
  'Raft.appendLocal',
  'Raft.ready',
  // configuration
  'Raft.constructor',
  'Raft.config',
  'Raft.configAt',
  'Raft.configIndex',
  'Raft.isVoter',
  'Raft.isMember',
  'Raft.onLogChanged',
  'Raft.canChangeConfig',
  'Raft.applyMembershipPolicy',
  'Raft.automaticChange',
  'applyChange',
  'normalizeConfig',
  'Raft.progressMembers',
  'Raft.reconcileProgress',
  'Raft.checkRemoved',
  'Raft.onCompact',
  'Raft.onStateTransferred',
  'Raft.queueMembership',
  'Raft.onForceBootstrap',
  'Raft.clearForcedConfig',
];

/**
 * Each target names the suite that guards it and, optionally, the functions mutated by default;
 * add a file here to put it under mutation.
 */
const targets = [
  { source: 'src/core/certification/certification.ts', suite: 'certification' },
  { source: 'src/core/consensus/log.ts', suite: 'consensus' },
  { source: 'src/core/consensus/raft.ts', suite: 'consensus', functions: raftSafety },
  { source: 'src/core/consensus/progress.ts', suite: 'consensus', wideOnly: true },
  { source: 'src/engine/transaction.ts', suite: 'transaction' },
];

/**
 * Test commands of a suite, fastest first: the first one that fails kills the mutant. The files
 * are listed once, in a worker's copy, so a build during the run changes nothing.
 */
function suiteCommands(suite, options, dir) {
  const coreTests = listTests(dir, 'dist/test/core').filter(
    (f) => !f.endsWith('purity.test.js') && !options.skipTests.some((t) => f.includes(t)),
  );
  // The scenario tests run simulated clusters for seconds; the direct unit tests first.
  const slow = (f) => f.endsWith('scenarios.test.js');
  const fastTests = coreTests.filter((f) => !slow(f));
  const slowTests = coreTests.filter(slow);
  const unit = (files, name = 'unit') => ({
    name,
    args: ['--test', '--test-concurrency=1', '--test-reporter=dot', ...files],
  });
  const sim = (workload, seeds) => ({
    name: `sim:${workload}`,
    args: ['dist/test/sim/main.js', '--seeds', String(seeds), '--workload', workload],
    sim: true,
  });
  if (suite === 'consensus') {
    return [
      unit(fastTests),
      unit([...slowTests, 'dist/test/node/raft-driver.test.js'], 'scenarios'),
      sim('raft', options.seeds),
    ];
  }
  if (suite === 'certification') {
    return [
      unit([...fastTests, 'dist/test/node/certification-rebuild.test.js']),
      sim('append', options.txnSeeds),
      sim('bank', options.txnSeeds),
    ];
  }
  if (suite === 'transaction') {
    return [
      unit(['dist/test/engine/transaction.test.js', 'dist/test/engine/in-flight.test.js']),
      sim('bank', options.txnSeeds),
      sim('append', options.txnSeeds),
      sim('ddl', options.txnSeeds),
    ];
  }
  throw new Error(`unknown suite ${suite}`);
}

function listTests(base, dir) {
  return readdirSync(join(base, dir))
    .filter((name) => name.endsWith('.test.js'))
    .sort()
    .map((name) => `${dir}/${name}`);
}

// ---- making mutants ----

const comparisonFlips = {
  [ts.SyntaxKind.LessThanToken]: '<=',
  [ts.SyntaxKind.LessThanEqualsToken]: '<',
  [ts.SyntaxKind.GreaterThanToken]: '>=',
  [ts.SyntaxKind.GreaterThanEqualsToken]: '>',
  [ts.SyntaxKind.EqualsEqualsEqualsToken]: '!==',
  [ts.SyntaxKind.ExclamationEqualsEqualsToken]: '===',
  [ts.SyntaxKind.EqualsEqualsToken]: '!=',
  [ts.SyntaxKind.ExclamationEqualsToken]: '==',
};

/**
 * The mutants of one compiled file: each is a replacement of the text in [start, end), with a
 * description and the function it sits in. Assertions and message texts are left alone: a
 * weakened assertion changes no behaviour a test could see, and a strengthened one only crashes.
 */
function makeMutants(jsText) {
  const file = ts.createSourceFile('m.js', jsText, ts.ScriptTarget.ES2022, true, ts.ScriptKind.JS);
  const mutants = [];
  const text = (node) => jsText.slice(node.getStart(file), node.end);
  const add = (node, start, end, replacement, kind) => {
    const before = text(node);
    const offset = start - node.getStart(file);
    const after = before.slice(0, offset) + replacement + before.slice(offset + end - start);
    mutants.push({ start, end, replacement, kind, node, before, after });
  };
  const replaceNode = (node, replacement, kind, shown = node) =>
    add(shown, node.getStart(file), node.end, replacement, kind);

  const visit = (node) => {
    if (isAssertCall(node) || ts.isTemplateExpression(node)) return;
    if (ts.isBinaryExpression(node)) binaryMutants(node);
    if (ts.isPrefixUnaryExpression(node) && node.operator === ts.SyntaxKind.ExclamationToken) {
      replaceNode(node, text(node.operand), 'negation');
    }
    if (
      (ts.isPrefixUnaryExpression(node) || ts.isPostfixUnaryExpression(node)) &&
      (node.operator === ts.SyntaxKind.PlusPlusToken ||
        node.operator === ts.SyntaxKind.MinusMinusToken)
    ) {
      const flipped = node.operator === ts.SyntaxKind.PlusPlusToken ? '--' : '++';
      const operand = text(node.operand);
      replaceNode(
        node,
        ts.isPrefixUnaryExpression(node) ? flipped + operand : operand + flipped,
        'arithmetic',
      );
    }
    if (node.kind === ts.SyntaxKind.TrueKeyword) replaceNode(node, 'false', 'literal');
    if (node.kind === ts.SyntaxKind.FalseKeyword) replaceNode(node, 'true', 'literal');
    if (ts.isIfStatement(node)) negateCondition(node, node.expression);
    if (ts.isConditionalExpression(node)) negateCondition(node, node.condition);
    if (
      ts.isCallExpression(node) &&
      ts.isPropertyAccessExpression(node.expression) &&
      text(node.expression.expression) === 'Math' &&
      ['min', 'max'].includes(node.expression.name.text)
    ) {
      const name = node.expression.name;
      add(node, name.getStart(file), name.end, name.text === 'min' ? 'max' : 'min', 'min/max');
    }
    if (isDroppable(node)) replaceNode(node, ';', 'statement', node);
    ts.forEachChild(node, visit);
  };

  const negateCondition = (owner, condition) => {
    // `!x` already has its own mutant (`x`); negating it again would repeat it.
    if (
      ts.isPrefixUnaryExpression(condition) &&
      condition.operator === ts.SyntaxKind.ExclamationToken
    )
      return;
    replaceNode(condition, `!(${text(condition)})`, 'condition');
  };

  const binaryMutants = (node) => {
    const op = node.operatorToken;
    const kind = op.kind;
    const left = text(node.left);
    const right = text(node.right);
    const swapOp = (replacement, what) => add(node, op.getStart(file), op.end, replacement, what);
    if (comparisonFlips[kind] !== undefined) swapOp(comparisonFlips[kind], 'comparison');
    if (kind === ts.SyntaxKind.AmpersandAmpersandToken || kind === ts.SyntaxKind.BarBarToken) {
      swapOp(kind === ts.SyntaxKind.AmpersandAmpersandToken ? '||' : '&&', 'logical');
      // Dropping one side of a condition: the other alone decides.
      replaceNode(node, left, 'condition');
      replaceNode(node, right, 'condition');
    }
    if (kind === ts.SyntaxKind.PlusToken || kind === ts.SyntaxKind.MinusToken) {
      if (isStringy(node.left) || isStringy(node.right)) return;
      swapOp(kind === ts.SyntaxKind.PlusToken ? '-' : '+', 'arithmetic');
      if (ts.isNumericLiteral(node.right)) replaceNode(node, left, 'off-by-one');
      else if (ts.isNumericLiteral(node.left) && kind === ts.SyntaxKind.PlusToken)
        replaceNode(node, right, 'off-by-one');
    }
    if (kind === ts.SyntaxKind.PlusEqualsToken && !isStringy(node.right))
      swapOp('-=', 'arithmetic');
    if (kind === ts.SyntaxKind.MinusEqualsToken) swapOp('+=', 'arithmetic');
  };

  visit(file);
  return mutants;
}

function isAssertCall(node) {
  return (
    ts.isCallExpression(node) &&
    ts.isIdentifier(node.expression) &&
    node.expression.text === 'assert'
  );
}

function isStringy(node) {
  return (
    ts.isStringLiteral(node) ||
    ts.isTemplateExpression(node) ||
    ts.isNoSubstitutionTemplateLiteral(node)
  );
}

/** Statements whose removal is a mutant: effects (assignments, calls) and guards. */
function isDroppable(node) {
  if (ts.isExpressionStatement(node)) {
    const e = node.expression;
    if (isAssertCall(e) || onlyAsserts(e)) return false;
    return !(
      ts.isStringLiteral(e) ||
      (ts.isCallExpression(e) && e.expression.kind === ts.SyntaxKind.SuperKeyword)
    );
  }
  // A return or a loop exit that guards the rest of its block.
  if (ts.isReturnStatement(node) || ts.isContinueStatement(node) || ts.isBreakStatement(node)) {
    return ts.isIfStatement(node.parent);
  }
  return false;
}

/** A call such as `list.forEach((x) => { assert(…); })`: an assertion, not an effect. */
function onlyAsserts(expression) {
  if (!ts.isCallExpression(expression)) return false;
  const callbacks = expression.arguments.filter(
    (a) => ts.isArrowFunction(a) || ts.isFunctionExpression(a),
  );
  return (
    callbacks.length > 0 &&
    callbacks.every(
      (f) =>
        ts.isBlock(f.body) &&
        f.body.statements.every(
          (st) => ts.isExpressionStatement(st) && isAssertCall(st.expression),
        ),
    )
  );
}

/** The name of the function or method a node sits in, for ids that survive line shifts. */
function enclosingName(node) {
  for (let n = node.parent; n !== undefined; n = n.parent) {
    if (ts.isMethodDeclaration(n) || ts.isFunctionDeclaration(n) || ts.isGetAccessor(n)) {
      const cls = n.parent && ts.isClassDeclaration(n.parent) ? n.parent.name?.text : null;
      const name = n.name?.getText() ?? 'anonymous';
      return cls ? `${cls}.${name}` : name;
    }
    if (ts.isConstructorDeclaration(n)) return `${n.parent.name?.text ?? 'class'}.constructor`;
  }
  return 'top';
}

function oneLine(code, max = 110) {
  const flat = code.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** Reads a target's compiled file and source map and returns its mutants with stable ids. */
function mutantsOf(target) {
  const jsPath = join('dist', target.source.replace(/\.ts$/, '.js'));
  const jsText = readFileSync(join(root, jsPath), 'utf8');
  const map = new SourceMap(JSON.parse(readFileSync(join(root, `${jsPath}.map`), 'utf8')));
  const tsLines = readFileSync(join(root, target.source), 'utf8').split('\n');
  const lineStarts = [0];
  for (let i = 0; i < jsText.length; i++) if (jsText[i] === '\n') lineStarts.push(i + 1);
  const position = (offset) => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, column: offset - lineStarts[lo] };
  };
  const seen = new Map();
  const short = target.source.split('/').pop();
  return makeMutants(jsText).map((m) => {
    const at = position(m.start);
    const entry = map.findEntry(at.line, at.column);
    const tsLine = entry && 'originalLine' in entry ? entry.originalLine + 1 : null;
    const fn = enclosingName(m.node);
    const change =
      m.kind === 'statement'
        ? `drop ${oneLine(m.before)}`
        : `${oneLine(m.before)} ⇒ ${oneLine(m.after)}`;
    const base = `${short} ${fn}: ${change}`;
    const count = (seen.get(base) ?? 0) + 1;
    seen.set(base, count);
    return {
      id: count === 1 ? base : `${base} (#${count})`,
      target,
      jsPath,
      start: m.start,
      end: m.end,
      replacement: m.replacement,
      kind: m.kind,
      fn,
      tsLine,
      tsText: tsLine !== null ? (tsLines[tsLine - 1] ?? '').trim() : '',
      mutated: jsText.slice(0, m.start) + m.replacement + jsText.slice(m.end),
    };
  });
}

/** Ids listed as equivalent in docs/design/mutation.md: lines "- `id` — reason". */
function readEquivalents() {
  if (!existsSync(equivalentsDoc)) return new Map();
  const found = new Map();
  for (const line of readFileSync(equivalentsDoc, 'utf8').split('\n')) {
    // An id holding a backtick is written in a double-backtick span: - `` id `` — reason.
    const match = /^- (`{1,2}) ?(.+?) ?\1 — (.+)$/.exec(line);
    if (match) found.set(match[2], match[3]);
  }
  return found;
}

// ---- running them ----

/** A private copy of the compiled tree in which one mutant at a time is written. */
function makeWorkerDir(base, n) {
  const dir = join(base, `w${n}`);
  mkdirSync(join(dir, 'dist'), { recursive: true });
  cpSync(join(root, 'dist/src'), join(dir, 'dist/src'), { recursive: true });
  cpSync(join(root, 'dist/test'), join(dir, 'dist/test'), { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module', private: true }));
  symlinkSync(realpathSync(join(root, 'node_modules')), join(dir, 'node_modules'));
  symlinkSync(join(root, 'src'), join(dir, 'src'));
  return dir;
}

/** Runs one command; resolves to {ok, ms, why}. A timeout kills the whole process group. */
/** Running test processes, each the leader of its own group, so an interrupt can end them. */
const running = new Set();

function killGroup(child) {
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

function runCommand(dir, command, timeoutMs) {
  return new Promise((done) => {
    const started = Date.now();
    const child = spawn(process.execPath, command.args, {
      cwd: dir,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    running.add(child);
    let output = '';
    const keep = (chunk) => {
      output = (output + chunk.toString()).slice(-4000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child);
    }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      running.delete(child);
      const ms = Date.now() - started;
      // A broken environment (node_modules gone) is no kill: stop, and let --resume go on later.
      if (/ERR_MODULE_NOT_FOUND|Cannot find (package|module)/.test(output)) {
        console.error(`mutate: ${command.name} cannot load its modules; stopping:\n${output}`);
        process.kill(process.pid, 'SIGTERM');
        return;
      }
      if (timedOut) return done({ ok: false, ms, why: 'timeout' });
      if (code !== 0) return done({ ok: false, ms, why: firstFailure(command, output) });
      if (command.sim && !/sim: \d+ seeds, 0 violations/.test(output))
        return done({ ok: false, ms, why: 'sim: no verdict' });
      done({ ok: true, ms, why: null });
    });
  });
}

function firstFailure(command, output) {
  if (command.sim) {
    const seed = /^seed (\d+): (.*)$/m.exec(output);
    if (seed) return `${command.name} seed ${seed[1]}: ${oneLine(seed[2], 90)}`;
    const error = /^(\w*Error[^\n]*)$/m.exec(output);
    return `${command.name} crash: ${error ? oneLine(error[1], 90) : 'exit'}`;
  }
  const failed = /✖ (.*)$/m.exec(output) ?? /^not ok \d+ - (.*)$/m.exec(output);
  return failed ? `${command.name}: ${oneLine(failed[1], 90)}` : command.name;
}

/** Runs a suite on the unmutated tree: it must pass, and its time sets the timeouts. */
async function baseline(dir, commands) {
  const times = [];
  for (const command of commands) {
    const result = await runCommand(dir, command, 600_000);
    if (!result.ok) {
      console.error(
        `mutate: ${command.name} fails without mutants (${result.why}); fix that first`,
      );
      process.exit(2);
    }
    times.push(result.ms);
  }
  return times;
}

async function runMutant(dir, mutant, commands, timeouts) {
  const path = join(dir, mutant.jsPath);
  const original = readFileSync(path, 'utf8');
  writeFileSync(path, mutant.mutated);
  try {
    for (let i = 0; i < commands.length; i++) {
      const result = await runCommand(dir, commands[i], timeouts[i]);
      if (!result.ok) return { killed: true, by: result.why, command: commands[i].name };
    }
    return { killed: false, by: null, command: null };
  } finally {
    writeFileSync(path, original);
  }
}

function evenlySpread(list, max) {
  if (max >= list.length) return list;
  const step = list.length / max;
  return Array.from({ length: max }, (_, i) => list[Math.floor(i * step)]);
}

async function main() {
  const { values } = parseArgs({
    options: {
      files: { type: 'string' },
      max: { type: 'string' },
      seeds: { type: 'string', default: '200' },
      'txn-seeds': { type: 'string', default: '8' },
      workers: { type: 'string', default: '2' },
      match: { type: 'string' },
      list: { type: 'boolean', default: false },
      'no-build': { type: 'boolean', default: false },
      all: { type: 'boolean', default: false },
      rerun: { type: 'string' },
      'skip-tests': { type: 'string' },
      resume: { type: 'string' },
      wide: { type: 'boolean', default: false },
    },
  });
  const options = {
    seeds: Number(values.seeds),
    txnSeeds: Number(values['txn-seeds']),
    skipTests: values['skip-tests']?.split(',').filter((t) => t.length > 0) ?? [],
  };
  const workerCount = Math.max(1, Math.min(Number(values.workers), 2, availableParallelism()));
  if (!values['no-build']) {
    const build = spawnSync('npx', ['tsc', '-p', 'tsconfig.json'], { cwd: root, stdio: 'inherit' });
    if (build.status !== 0) process.exit(2);
  }
  const filters = values.files?.split(',').filter((s) => s.length > 0) ?? [];
  const selected = targets.filter(
    (t) =>
      (values.wide || !t.wideOnly) &&
      (filters.length === 0 || filters.some((f) => t.source.includes(f))),
  );
  if (selected.length === 0) {
    console.error(`mutate: no target matches ${values.files}`);
    process.exit(2);
  }
  const equivalents = readEquivalents();
  const every = selected
    .flatMap(mutantsOf)
    .filter((m) => values.wide || !m.target.functions || m.target.functions.includes(m.fn));
  const known = new Set(every.map((m) => m.id));
  for (const id of equivalents.keys()) {
    if (!known.has(id) && filters.length === 0)
      console.log(`mutate: stale equivalent (no such mutant): ${id}`);
  }
  let mutants = every.filter((m) => values.all || !equivalents.has(m.id));
  if (values.match !== undefined) mutants = mutants.filter((m) => m.id.includes(values.match));
  if (values.list) {
    if (values.max !== undefined) mutants = evenlySpread(mutants, Number(values.max));
    for (const m of mutants) console.log(`${m.target.source}:${m.tsLine} [${m.kind}] ${m.id}`);
    console.log(`${mutants.length} mutants (${every.length - mutants.length} left out)`);
    return;
  }

  // Results taken over from an earlier report: every one (--resume), or only the kills (--rerun).
  const results = [];
  const reuse = values.rerun ?? values.resume;
  if (reuse !== undefined) {
    const earlier = new Map(JSON.parse(readFileSync(reuse, 'utf8')).map((r) => [r.id, r]));
    const again = [];
    for (const mutant of mutants) {
      const before = earlier.get(mutant.id);
      if (before !== undefined && (before.killed || values.resume !== undefined)) {
        results.push({ mutant, killed: before.killed, by: before.by, command: before.command });
      } else {
        again.push(mutant);
      }
    }
    console.log(`mutate: ${results.length} taken from ${reuse}; running the other ${again.length}`);
    mutants = again;
  }
  // --max samples what is left to run (after --resume or --rerun took their share).
  if (values.max !== undefined) mutants = evenlySpread(mutants, Number(values.max));

  const base = mkdtempSync(join(tmpdir(), 'trireme-mutate-'));
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.on(signal, () => {
      for (const child of running) killGroup(child);
      writeReport(results);
      rmSync(base, { recursive: true, force: true });
      process.exit(130);
    });
  }
  const started = Date.now();
  try {
    const dirs = Array.from({ length: workerCount }, (_, n) => makeWorkerDir(base, n));
    const suites = [...new Set(mutants.map((m) => m.target.suite))];
    const timeouts = {};
    const commands = {};
    for (const suite of suites) {
      commands[suite] = suiteCommands(suite, options, dirs[0]);
      const times = await baseline(dirs[0], commands[suite]);
      timeouts[suite] = times.map((ms) => Math.max(4_000, 5 * ms));
      console.log(
        `mutate: ${suite} suite passes unmutated (${times.map((t) => `${(t / 1000).toFixed(1)}s`).join(' + ')})`,
      );
    }
    console.log(`mutate: ${mutants.length} mutants on ${workerCount} workers`);
    const total = results.length + mutants.length;
    let next = 0;
    const work = async (dir) => {
      while (next < mutants.length) {
        const mutant = mutants[next++];
        const suite = mutant.target.suite;
        const outcome = await runMutant(dir, mutant, commands[suite], timeouts[suite]);
        results.push({ mutant, ...outcome });
        if (!outcome.killed)
          console.log(`  survivor: ${mutant.target.source}:${mutant.tsLine} ${mutant.id}`);
        if (next % 25 === 0 || results.length === total) {
          const killed = results.filter((r) => r.killed).length;
          const seconds = Math.round((Date.now() - started) / 1000);
          console.log(`mutate: ${results.length}/${total} done, ${killed} killed (${seconds}s)`);
          writeReport(results);
        }
      }
    };
    await Promise.all(dirs.map(work));
    report(results, selected, equivalents, values.all, Date.now() - started);
    return results.some((r) => !r.killed) ? 1 : 0;
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
}

function report(results, selected, equivalents, all, elapsedMs) {
  results.sort((a, b) =>
    a.mutant.target.source === b.mutant.target.source
      ? a.mutant.start - b.mutant.start
      : a.mutant.target.source.localeCompare(b.mutant.target.source),
  );
  const survivors = results.filter((r) => !r.killed);
  console.log('\nsurviving mutants:');
  for (const r of survivors) {
    const m = r.mutant;
    const note = all && equivalents.has(m.id) ? '  [listed equivalent]' : '';
    console.log(`  ${m.target.source}:${m.tsLine} [${m.kind}] ${m.id}${note}`);
  }
  if (survivors.length === 0) console.log('  none');
  console.log(
    '\nmutation score (killed / run; equivalents listed in docs/design/mutation.md left out):',
  );
  let killedAll = 0;
  for (const target of selected) {
    const mine = results.filter((r) => r.mutant.target === target);
    if (mine.length === 0) continue;
    const killed = mine.filter((r) => r.killed).length;
    killedAll += killed;
    const excluded = [...equivalents.keys()].filter((id) =>
      id.startsWith(`${target.source.split('/').pop()} `),
    ).length;
    console.log(
      `  ${target.source.padEnd(42)} ${String(killed).padStart(4)} / ${String(mine.length).padEnd(4)} ${(
        (100 * killed) /
        mine.length
      ).toFixed(1)}%   (${excluded} equivalent)`,
    );
  }
  console.log(
    `  ${'total'.padEnd(42)} ${String(killedAll).padStart(4)} / ${String(results.length).padEnd(4)} ${(
      (100 * killedAll) /
      Math.max(1, results.length)
    ).toFixed(1)}%`,
  );
  const byTest = new Map();
  for (const r of results.filter((x) => x.killed)) {
    const key = r.by === 'timeout' ? `${r.command} (timeout)` : r.command;
    byTest.set(key, (byTest.get(key) ?? 0) + 1);
  }
  console.log(`killed by: ${[...byTest].map(([k, v]) => `${k} ${v}`).join(', ')}`);
  console.log(`mutate: ${(elapsedMs / 60000).toFixed(1)} min`);
  console.log(`mutate: details in ${relative(root, writeReport(results))}`);
}

/** Every result so far, for --rerun and for reading while a run goes on. */
function writeReport(results) {
  const reportPath = join(root, 'dist/mutate-report.json');
  const rows = results.map((r) => ({
    id: r.mutant.id,
    file: r.mutant.target.source,
    line: r.mutant.tsLine,
    kind: r.mutant.kind,
    killed: r.killed,
    command: r.command,
    by: r.by,
  }));
  writeFileSync(reportPath, JSON.stringify(rows, null, 1));
  return reportPath;
}

process.exitCode = await main();
