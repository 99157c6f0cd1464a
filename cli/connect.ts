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

/**
 * How long the CLI waits for the store: to find it, and for any one answer. Without a socket timeout a store that
 * stops answering mid-query leaves the CLI waiting forever; 5 s to find it was too short on a loaded machine.
 */
const STORE_TIMEOUTS = { serverSelectionTimeoutMS: 20_000, socketTimeoutMS: 60_000 };

/**
 * MongoDB (the profiles and analytics records), or an error that says how to fix the address. The CLI only reads and
 * writes documents: the API and worker make collections and indexes (models/ready.ts), so connecting here builds none
 * (autoIndex would send a createIndex for every model on each CLI call).
 */
export async function connectStore(config: Pick<Config, 'MONGODB_URI'>): Promise<typeof mongoose> {
  try {
    return await mongoose.connect(config.MONGODB_URI, { ...STORE_TIMEOUTS, autoIndex: false, autoCreate: false });
  } catch (err) {
    throw new CliError(
      `cannot reach MongoDB at ${config.MONGODB_URI} (${(err as Error).message}).\n` +
        'Start the embedded stack with `npm start` (it prints MONGODB_URI), or set MONGODB_URI.',
    );
  }
}
