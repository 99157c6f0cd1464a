import type { Client } from '@temporalio/client';
import type { Config } from '../config';
import { createEventRouter } from '../routing/route-event';

/** The event router the audience activities enter matches through: the same one the API uses. */
export function createRouterForActivities(deps: { config: Pick<Config, 'TEMPORAL_TASK_QUEUE'>; temporal: Client }) {
  return createEventRouter({ client: deps.temporal, taskQueue: deps.config.TEMPORAL_TASK_QUEUE });
}
