import { readFileSync } from 'node:fs';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import type { JourneyWorkflow } from '../sdk/define-journey';
import { checkSimulationInput, formatTimeline, simulateJourney, SimulationInputError } from '../testing';
import { CliError } from './connect';

export interface SimulateOptions {
  profile: string;
  events: string;
  horizon?: string;
  json?: boolean;
}

/** `waymark simulate`: the journey on the time-skipping server for one profile and its events, as a timeline. */
export async function simulateCommand(workflow: JourneyWorkflow, options: SimulateOptions): Promise<string> {
  const profile = readJson(options.profile, '--profile');
  if (typeof profile !== 'object' || profile === null || Array.isArray(profile)) {
    throw new CliError(`--profile ${options.profile}: expected a JSON object (a profile document with an "id")`);
  }
  const events = readJson(options.events, '--events');
  const input = { workflow, profile: profile as Record<string, unknown>, events, horizon: options.horizon };
  try {
    checkSimulationInput(input);
  } catch (err) {
    if (err instanceof SimulationInputError) throw new CliError(err.message);
    throw err;
  }
  // The timeline is the output: the worker and the SDK's core say only what went wrong, on stderr.
  Runtime.install({
    logger: new DefaultLogger('ERROR', ({ level, message }) => process.stderr.write(`temporal ${level}: ${message}\n`)),
    telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' }, forward: {} } },
  });
  try {
    const result = await simulateJourney({
      ...input,
      log: (line) => process.stderr.write(`waymark simulate: ${line}\n`),
    });
    return options.json ? JSON.stringify(result, null, 2) : formatTimeline(result);
  } catch (err) {
    if (err instanceof SimulationInputError) throw new CliError(err.message);
    if (err instanceof Error && err.name === 'MongooseServerSelectionError') {
      throw new CliError(
        `cannot reach MongoDB (${err.message}).\nThe simulation keeps the profile and its ledger in a scratch database: ` +
          'start the embedded stack with `npm start`, or set MONGODB_URI.',
      );
    }
    throw err;
  }
}

function readJson(file: string, option: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new CliError(`${option} ${file}: cannot read it (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new CliError(`${option} ${file}: not valid JSON (${(err as Error).message})`);
  }
}
