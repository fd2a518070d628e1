// Goal: Galera's node states move only along the whitelist and report Galera's status words.
// Method: drive the machine with the facts of a join, a donation and a loss of quorum.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NodeStateMachine, localStateOf, type NodeFacts } from '../../src/core/node-state.js';

const facts = (f: Partial<NodeFacts>): NodeFacts => ({
  primary: true,
  receivingState: false,
  donating: false,
  caughtUp: false,
  ...f,
});

test('a joiner goes OPEN, PRIMARY, JOINER, JOINED, SYNCED', () => {
  const m = new NodeStateMachine();
  assert.deepEqual(m.update(facts({ receivingState: true })), ['PRIMARY', 'JOINER']);
  assert.deepEqual(m.update(facts({})), ['JOINED']);
  assert.deepEqual(m.update(facts({ caughtUp: true })), ['SYNCED']);
  assert.deepEqual(localStateOf(m.state), { code: 4, comment: 'Synced' });
});

test('a donor is Donor/Desynced while it serves, then syncs again', () => {
  const m = new NodeStateMachine();
  m.update(facts({ caughtUp: true }));
  assert.equal(m.state, 'SYNCED');
  m.update(facts({ caughtUp: true, donating: true }));
  assert.deepEqual(localStateOf(m.state), { code: 2, comment: 'Donor/Desynced' });
  assert.deepEqual(m.update(facts({ caughtUp: false })), ['JOINED']);
  assert.deepEqual(m.update(facts({ caughtUp: true })), ['SYNCED']);
});

test('losing the primary component returns to OPEN (Initialized, non-Primary)', () => {
  const m = new NodeStateMachine();
  m.update(facts({ caughtUp: true }));
  assert.deepEqual(m.update(facts({ primary: false })), ['OPEN']);
  assert.deepEqual(localStateOf(m.state), { code: 0, comment: 'Initialized' });
});

test('an impossible move crashes with both states named', () => {
  const m = new NodeStateMachine();
  assert.throws(() => m.transition('SYNCED'), /OPEN -> SYNCED/);
});
