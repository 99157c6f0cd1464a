import type { JourneyWorkflow } from '../sdk/define-journey';
import { journeyMermaid, type StepCounts } from './mermaid';
import { readJourneyFlow } from './read-journey-flow';

export type { StepCounts };

/** A catalog journey version as Mermaid text, read from its code (`journeys/<name>/v<N>.ts`). */
export function journeyDiagram(workflow: JourneyWorkflow, counts?: StepCounts): string {
  return journeyMermaid(readJourneyFlow(workflow), counts);
}
