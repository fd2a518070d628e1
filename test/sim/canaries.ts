// Planted faults that a correct checker must catch. They are switched on only from the simulator.
import type { CanaryName } from './world.js';

export const canaryNames: readonly CanaryName[] = [
  'lying-disk',
  'unpersisted-vote',
  'stale-term-commit',
  'certify-at-commit',
  'commit-past-append',
  'toi-ignored',
  'writer-snapshot',
];
