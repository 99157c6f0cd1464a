import { mkdirSync } from 'node:fs';
import path from 'node:path';
import mongoose from 'mongoose';
import { startServerProcess, waitUntilReady, type ServerProcess } from './child-process';
import { provisionFerretdb } from './provision/ferretdb';
import { provisionMongoJavaServer } from './provision/mongo-java-server';
import { onPath } from './provision/run-command';
import type { StoreKind } from './store-choice';

/**
 * When mongo-java-server acknowledges a write (dev/mongo-java-server/WaymarkMongoServer.java): `fsync`, what the
 * stack uses, once it is on the disk; `write` once it is in the file; `background` before H2's own commit (~1 s).
 */
export type StoreDurability = 'fsync' | 'write' | 'background';

export interface StoreOptions {
  /** The server keeps its files in a folder named after it under this directory. */
  dataDir: string;
  host: string;
  port: number;
  log: (line: string) => void;
  /** mongo-java-server only; `fsync` by default. */
  durability?: StoreDurability;
}

export interface StoreServer {
  /** `mongodb://host:port/waymark` */
  uri: string;
  /** The server's process id (fault tests kill it). */
  pid?: number;
  stop(): Promise<void>;
}

async function spawnStore(kind: StoreKind, options: StoreOptions): Promise<ServerProcess> {
  const dir = path.join(options.dataDir, kind);
  mkdirSync(dir, { recursive: true });
  const { host, port } = options;
  switch (kind) {
    case 'mongod':
      return startServerProcess('mongod', onPath('mongod')!, [
        '--bind_ip',
        host,
        '--port',
        String(port),
        '--dbpath',
        dir,
      ]);
    case 'ferretdb':
      return startServerProcess('ferretdb', await provisionFerretdb(options.log), [
        '--listen',
        `${host}:${port}`,
        '--data-dir',
        dir,
      ]);
    case 'mongo-java-server': {
      const { java, jvmArgs } = await provisionMongoJavaServer(options.log);
      return startServerProcess('mongo-java-server', java, [
        ...jvmArgs,
        '--host',
        host,
        '--port',
        String(port),
        '--file',
        path.join(dir, 'waymark.mv.db'),
        '--durability',
        options.durability ?? 'fsync',
      ]);
    }
  }
}

/** Starts one MongoDB-wire server on its data under `dataDir` and waits until it answers a ping. */
export async function startStore(kind: StoreKind, options: StoreOptions): Promise<StoreServer> {
  const server = await spawnStore(kind, options);
  const uri = `mongodb://${options.host}:${options.port}/waymark`;
  try {
    await waitUntilReady(server, async () => {
      const connection = await mongoose.createConnection(uri, { serverSelectionTimeoutMS: 1000 }).asPromise();
      try {
        await connection.db!.admin().ping();
        return true;
      } finally {
        await connection.close();
      }
    });
  } catch (error) {
    await server.stop();
    throw error;
  }
  return { uri, pid: server.child.pid, stop: () => server.stop() };
}
