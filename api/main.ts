import mongoose from 'mongoose';
import { Client, Connection } from '@temporalio/client';
import { loadConfig } from '../config';
import { waymarkDataConverter } from '../codec/data-converter';
import { buildServer } from './server';

async function main() {
  const config = loadConfig();
  await mongoose.connect(config.MONGODB_URI);
  const connection = await Connection.connect({ address: config.TEMPORAL_ADDRESS });
  const temporal = new Client({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    dataConverter: waymarkDataConverter(config),
  });
  const app = await buildServer({ config, temporal, logger: { level: config.LOG_LEVEL } });
  await app.listen({ host: config.API_HOST, port: config.API_PORT });
  const close = async () => {
    await app.close();
    await connection.close();
    await mongoose.disconnect();
  };
  process.once('SIGINT', () => void close());
  process.once('SIGTERM', () => void close());
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
