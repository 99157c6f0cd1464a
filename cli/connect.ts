import { Client, Connection } from '@temporalio/client';
import mongoose from 'mongoose';
import type { Config } from '../config';
import { waymarkDataConverter } from '../codec/data-converter';

/** A Temporal client, or an error that says how to fix the address. */
export async function connectTemporal(
  config: Pick<Config, 'TEMPORAL_ADDRESS' | 'TEMPORAL_NAMESPACE' | 'PAYLOAD_CODEC_KEYS'>,
): Promise<Client> {
  try {
    const connection = await Connection.connect({ address: config.TEMPORAL_ADDRESS, connectTimeout: '5 seconds' });
    // Payloads are encrypted (codec/): the CLI reads run state and histories with the same keys.
    return new Client({
      connection,
      namespace: config.TEMPORAL_NAMESPACE,
      dataConverter: waymarkDataConverter(config),
    });
  } catch (err) {
    throw new CliError(
      `cannot reach Temporal at ${config.TEMPORAL_ADDRESS} (${(err as Error).message}).\n` +
        'Start the embedded stack with `npm start`, or set TEMPORAL_ADDRESS to your Temporal frontend (host:port).',
    );
  }
}

/** An error whose message already tells the user what to do: printed without a stack trace. */
export class CliError extends Error {}

/** MongoDB (the profiles), or an error that says how to fix the address. */
export async function connectStore(config: Pick<Config, 'MONGODB_URI'>): Promise<typeof mongoose> {
  try {
    return await mongoose.connect(config.MONGODB_URI, { serverSelectionTimeoutMS: 5000 });
  } catch (err) {
    throw new CliError(
      `cannot reach MongoDB at ${config.MONGODB_URI} (${(err as Error).message}).\n` +
        'Start the embedded stack with `npm start` (it prints MONGODB_URI), or set MONGODB_URI.',
    );
  }
}
