// Runs mongo-java-server (MongoDB wire protocol) on an H2 MVStore file for the embedded dev stack.
//
// Durability (--durability):
//   fsync       (what the stack uses) every command that changed data commits the store and forces the file to the
//               disk before its reply is sent: an acknowledged write survives a SIGKILL, an OS crash, a power loss.
//   write       the same commit, without forcing the disk: survives a killed process, not an OS crash.
//   background  MVStore's own default, a commit about once a second: a SIGKILL loses the writes of the last second,
//               acknowledged or not (measured: 367 of 500 acknowledged inserts lost over 10 kills).
// A commit per write writes a chunk per write; MVStore reuses a dead chunk's space only 45 s later (its retention
// time, which also protects readers still on an older version: 0 made concurrent reads fail with "Chunk not found").
// So the file grows by about 45 s of writes under load (measured ~400 MB after 20k writes in 45 s); on a clean stop,
// with no reader left, dead chunks are freed and the file compacted.
import java.net.InetSocketAddress;
import java.util.Set;

import org.h2.mvstore.MVStore;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.ServerVersion;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.bson.Document;
import io.netty.channel.Channel;

public class WaymarkMongoServer {

    /** Commits (and optionally forces to the disk) the MVStore after every command that left unsaved changes. */
    static final class CommitEachWriteBackend extends H2Backend {
        private static final int COMPACT_ON_CLOSE_MS = 3000;
        private static final Set<String> CREATES_NAMESPACES = Set.of("create", "createIndexes");
        private final MVStore store;
        private final boolean fsync;

        CommitEachWriteBackend(MVStore store, boolean fsync) {
            super(store);
            this.store = store;
            this.fsync = fsync;
        }

        @Override
        public Document handleCommand(Channel channel, String database, String command, Document query) {
            try {
                if (!CREATES_NAMESPACES.contains(command)) return super.handleCommand(channel, database, command, query);
                // Two concurrent creates of one collection race inside mongo-java-server: some fail with an internal
                // "already existed" error instead of NamespaceExists (48), which mongoose would have ignored.
                synchronized (CREATES_NAMESPACES) {
                    return super.handleCommand(channel, database, command, query);
                }
            } finally {
                // A failed write (a duplicate key in a batch) may still have changed data: commit either way.
                if (store.hasUnsavedChanges()) {
                    store.commit();
                    if (fsync) store.sync();
                }
            }
        }

        @Override
        public void close() {
            // Clients are gone (the server closed them first): nothing reads an older version any more.
            if (!store.isClosed()) {
                store.setRetentionTime(0);
                store.compactFile(COMPACT_ON_CLOSE_MS);
            }
            super.close();
        }
    }

    public static void main(String[] args) {
        String host = "127.0.0.1";
        int port = 27017;
        String file = null;
        boolean memory = false;
        String durability = "fsync";
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--host" -> host = args[++i];
                case "--port" -> port = Integer.parseInt(args[++i]);
                case "--file" -> file = args[++i];
                case "--memory" -> memory = true;
                case "--durability" -> durability = args[++i];
                default -> usage("unknown argument: " + args[i]);
            }
        }
        if ((file == null) == !memory) usage("give exactly one of --file PATH or --memory");

        H2Backend backend;
        if (memory) {
            backend = H2Backend.inMemory();
        } else {
            MVStore store = new MVStore.Builder().fileName(file).open();
            backend = switch (durability) {
                case "fsync" -> new CommitEachWriteBackend(store, true);
                case "write" -> new CommitEachWriteBackend(store, false);
                case "background" -> new H2Backend(store);
                default -> {
                    usage("--durability is fsync, write or background, not " + durability);
                    yield null;
                }
            };
        }
        // mongodb driver 6 needs wire version 8 or later, which mongo-java-server reports as MongoDB 5.0.
        backend.version(ServerVersion.MONGO_5_0);
        MongoServer server = new MongoServer(backend);
        server.bind(new InetSocketAddress(host, port));
        Runtime.getRuntime().addShutdownHook(new Thread(server::shutdownNow));
        System.out.println("ready mongodb://" + host + ":" + port + " " + (memory ? "in memory" : file + " " + durability));
    }

    private static void usage(String problem) {
        System.err.println("waymark-mongo-java-server: " + problem);
        System.err.println("usage: WaymarkMongoServer [--host H] [--port N] "
            + "(--file PATH [--durability fsync|write|background] | --memory)");
        System.exit(2);
    }
}
