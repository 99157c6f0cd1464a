import type { SignalDefinition } from '../signals/define-signal';
import type { JourneyDefinition, JourneyInput, JourneyResult, SignalRoute } from './journey-types';
import { runJourney } from './run-journey';
import { journeyWorkflowType } from './workflow-id';

/** A journey version as the worker registers it: a workflow function carrying its definition. */
export interface JourneyWorkflow {
  (input: JourneyInput): Promise<JourneyResult>;
  /** The definition, with the signals of `exits` added to `listensTo` (routers read trigger, goal, listensTo). */
  readonly journey: JourneyDefinition;
  /** e.g. `abandonedCartV1`: the name it must be exported under from journeys/index.ts. */
  readonly workflowType: string;
}

/** Turns a journey definition into its workflow function (one workflow type per journey version). */
export function defineJourney<T extends SignalDefinition, G extends SignalDefinition = SignalDefinition>(
  definition: JourneyDefinition<T, G>,
): JourneyWorkflow {
  if (!/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/.test(definition.name)) {
    throw new TypeError(`journey name '${definition.name}' must be kebab-case, e.g. abandoned-cart`);
  }
  if (!Number.isInteger(definition.version) || definition.version < 1) {
    throw new TypeError(`journey ${definition.name}: version must be a positive integer`);
  }
  const { priority } = definition;
  if (priority !== undefined && (!Number.isInteger(priority) || priority < 0 || priority > 100)) {
    throw new TypeError(`journey ${definition.name}: priority must be an integer from 0 to 100`);
  }
  const listensTo: SignalRoute[] = [...(definition.listensTo ?? [])];
  for (const exit of definition.exits ?? []) {
    if (!listensTo.some((r) => r.signal.name === exit.signal.name)) listensTo.push(exit);
  }
  const journey = Object.freeze({ ...definition, listensTo }) as unknown as JourneyDefinition;
  const workflowType = journeyWorkflowType(definition.name, definition.version);
  const workflow = (input: JourneyInput) => runJourney(journey, input);
  Object.defineProperty(workflow, 'name', { value: workflowType });
  return Object.assign(workflow, { journey, workflowType });
}
