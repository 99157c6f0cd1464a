import mongoose from 'mongoose';

/**
 * Resolves once every registered model's collection and indexes exist (mongoose starts creating them on connect).
 * Serving before then lets the first writes race the index builds, which the embedded store answers with an
 * internal error.
 */
export async function modelsReady(): Promise<void> {
  await Promise.all(mongoose.modelNames().map((name) => mongoose.model(name).init()));
}
