// The compat corpus: every category's cases, in category order (docs/design/compat.md).
import type { CompatCase } from '../case.js';
import { collationCases } from './collation.js';
import { constraintCases } from './constraints.js';
import { dateCases } from './dates.js';
import { decimalCases } from './decimal.js';
import { dmlCases } from './dml.js';
import { functionCases } from './functions.js';
import { metadataCases } from './metadata.js';
import { objectCases } from './objects.js';
import { queryCases } from './queries.js';
import { strictCases } from './strict.js';
import { typeCases } from './types.js';

export function corpus(): CompatCase[] {
  return [
    typeCases(),
    strictCases(),
    decimalCases(),
    dateCases(),
    collationCases(),
    functionCases(),
    dmlCases(),
    constraintCases(),
    metadataCases(),
    queryCases(),
    objectCases(),
  ].flatMap((list) => list.cases);
}
