import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { buildIntoCache, cacheDir } from './cache';
import { requireTool, runBuildStep } from './run-command';

export const MONGO_JAVA_SERVER_VERSION = '1.47.0';
const SOURCE_DIR = path.resolve(__dirname, '..', 'mongo-java-server');
const MAIN_CLASS = 'WaymarkMongoServer';

export interface MongoJavaServer {
  /** The cache directory (jars in lib/, our main in classes/). */
  dir: string;
  java: string;
  /** The JVM arguments that start it, before our main's own (`--host`, `--port`, `--file`, `--fsync`). */
  jvmArgs: string[];
}

/** Cache key: the mongo-java-server version plus a hash of our pom and main, so a changed one is rebuilt. */
function cacheName(): string {
  const hash = createHash('sha256');
  for (const file of ['pom.xml', `${MAIN_CLASS}.java`]) hash.update(readFileSync(path.join(SOURCE_DIR, file)));
  return `mongo-java-server-${MONGO_JAVA_SERVER_VERSION}-${hash.digest('hex').slice(0, 10)}`;
}

const JDK_FIX = 'Install a JDK 17+ (e.g. apt-get install default-jdk), or set MONGODB_URI to a MongoDB server.';

/**
 * mongo-java-server (MongoDB wire protocol on an H2 file) with our main from `dev/mongo-java-server/`: its jars
 * from Maven Central and the main compiled once, both into the cache.
 */
export async function provisionMongoJavaServer(log: (line: string) => void): Promise<MongoJavaServer> {
  const java = requireTool('java', 'the embedded MongoDB-wire server (mongo-java-server)', JDK_FIX, 'run');
  const name = cacheName();
  let dir = cacheDir(name);
  if (!existsSync(path.join(dir, 'classes', `${MAIN_CLASS}.class`))) {
    requireTool('javac', 'the embedded MongoDB-wire server (mongo-java-server)', JDK_FIX);
    requireTool(
      'mvn',
      'the embedded MongoDB-wire server (mongo-java-server)',
      'Install Maven (e.g. apt-get install maven), or set MONGODB_URI to a MongoDB server.',
    );
    log(
      `mongo-java-server ${MONGO_JAVA_SERVER_VERSION} not found: fetching it from Maven Central once (under a minute)…`,
    );
    dir = await buildIntoCache(name, async (scratch) => {
      const lib = path.join(scratch, 'lib');
      await runBuildStep(
        'mongo-java-server',
        'mvn',
        [
          '-q',
          '-B',
          '-f',
          path.join(SOURCE_DIR, 'pom.xml'),
          'dependency:copy-dependencies',
          `-DoutputDirectory=${lib}`,
        ],
        {
          log,
          fix: 'Check that Maven Central is reachable from this machine, or set MONGODB_URI to a MongoDB server.',
        },
      );
      await runBuildStep(
        'mongo-java-server main',
        'javac',
        ['-cp', `${lib}/*`, '-d', path.join(scratch, 'classes'), path.join(SOURCE_DIR, `${MAIN_CLASS}.java`)],
        { log, fix: JDK_FIX },
      );
    });
  }
  return {
    dir,
    java,
    jvmArgs: [
      // A bounded heap: the JVM's default is a quarter of the machine's memory.
      '-Xmx512m',
      '-Dorg.slf4j.simpleLogger.defaultLogLevel=warn',
      '-cp',
      `${path.join(dir, 'classes')}${path.delimiter}${path.join(dir, 'lib')}/*`,
      MAIN_CLASS,
    ],
  };
}
