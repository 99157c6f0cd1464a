import { defineQuery } from '@temporalio/workflow';
import type { JourneyState } from './journey-types';

/** `state` query of every journey run: current step, what it waits for, when it wakes, steps taken, split arms. */
export const journeyStateQuery = defineQuery<JourneyState>('state');
