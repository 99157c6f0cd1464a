import type { Client } from '@temporalio/client';
import type { JourneyWorkflow } from '../sdk/define-journey';
import type { CustomerModel } from './segment-upkeep';

export interface RouterDeps {
  client: Client;
  taskQueue: string;
  /** The journeys to route to; default every version in journeys/index.ts. */
  catalog?: readonly JourneyWorkflow[];
  /** The segments and score model kept current as events arrive; default the catalog's (segments/index.ts). */
  customers?: CustomerModel;
}
