import mongoose from 'mongoose';

/**
 * Resolves once every registered model's collection and indexes exist (mongoose starts creating them on connect).
 * Serving before then lets the first writes race the index builds, which the embedded store answers with an
 * internal error. A process that never connected (diagram pages read from code alone) has nothing to wait for.
 */
export async function modelsReady(): Promise<void> {
  if (mongoose.connection.readyState === mongoose.ConnectionStates.disconnected) return;
  await Promise.all(mongoose.modelNames().map((name) => mongoose.model(name).init()));
}
