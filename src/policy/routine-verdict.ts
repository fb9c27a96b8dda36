import { classifySql, classifyStatement } from './classify.ts';
import type { Node } from '../sql/definitions.ts';
import { judgeFunctionsWith, judgeRoutineWith, type Classifier } from './routine-judgement.ts';
import type { RoutineVerdict, TargetCatalogue } from './target-catalogue.ts';

/** The judgements of routine-judgement.ts, with the classifier bound: what the classify step and tests call. */
const classifier: Classifier = { classifySql, classifyStatement };

/** The verdict on a CREATE FUNCTION/PROCEDURE statement's body (from the parse tree). */
export function judgeRoutine(kind: string, node: Node, text: string | undefined, catalogue?: TargetCatalogue): RoutineVerdict | undefined {
  return judgeRoutineWith(classifier, kind, node, text, catalogue);
}

/** Judge every user-defined function in the catalogue, callees before callers. */
export function judgeFunctions(catalogue: TargetCatalogue): void {
  judgeFunctionsWith(classifier, catalogue);
}
