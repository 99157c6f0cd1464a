import { ProvisionError } from './provision/provision-error';

/** The MongoDB-wire servers the embedded stack can start. */
export const STORES = ['mongo-java-server', 'ferretdb', 'mongod'] as const;
export type StoreKind = (typeof STORES)[number];

/**
 * Which server the stack starts when MONGODB_URI is not set: `WAYMARK_STORE` when given, else `mongod` when it is on
 * PATH, else mongo-java-server.
 */
export function chooseStore(env: NodeJS.ProcessEnv, mongodOnPath: boolean): StoreKind {
  const asked = env.WAYMARK_STORE?.trim();
  if (!asked) return mongodOnPath ? 'mongod' : 'mongo-java-server';
  if (!(STORES as readonly string[]).includes(asked)) {
    throw new ProvisionError(
      `WAYMARK_STORE=${asked} is not a MongoDB-wire server Waymark can start.`,
      `Set WAYMARK_STORE to one of ${STORES.join(', ')} (or leave it unset), or set MONGODB_URI to your own server.`,
    );
  }
  if (asked === 'mongod' && !mongodOnPath) {
    throw new ProvisionError(
      'WAYMARK_STORE=mongod, but `mongod` is not on PATH.',
      'Install MongoDB so that `mongod` is on PATH, or set MONGODB_URI to a MongoDB server, or unset WAYMARK_STORE.',
    );
  }
  return asked as StoreKind;
}
