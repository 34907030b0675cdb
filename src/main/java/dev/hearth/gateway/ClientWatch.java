package dev.hearth.gateway;

import io.helidon.webserver.http.ServerRequest;

import java.io.BufferedReader;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;

/**
 * Notices a client that closed its connection while its request still waits: in a model's queue,
 * for an engine's first byte, or between two chunks. Helidon reads nothing from a connection
 * while its handler runs and offers no close event, and a write would commit the answer; so the
 * watch asks the kernel instead. On Linux {@code /proc/net/tcp[6]} lists every connection with its
 * TCP state: when the client closes, the server's side leaves ESTABLISHED (CLOSE_WAIT after a FIN,
 * gone after a reset) while Hearth still holds it. One thread polls while anything is watched. Where
 * the kernel's diagnostics socket opens ({@link SockDiag}) each watched connection is looked up there
 * by its addresses instead, without the tables.
 *
 * <p>Only connections watched for longer than a grace period (a second) are looked up: reading the
 * tables costs the kernel a walk of its whole connection hash (~2 ms a table on the development VM,
 * whatever the number of connections), which a request answered within that second never needs —
 * its client, if gone, is found by the answer's write. A profile under 16 streaming clients showed
 * these reads as 29 % of Hearth's CPU (issue 14, item 2). The IPv6 table is read only for a connection
 * the IPv4 one does not list.
 *
 * <p>Elsewhere (no /proc) nothing is noticed early; a gone client is then found when its answer
 * is written, as before. A client that half-closes its side after sending the request (HTTP
 * clients do not) would be taken for gone.
 */
public final class ClientWatch {
    public static final ClientWatch SHARED = new ClientWatch(SockDiag.open().orElse(null),
            List.of(Path.of("/proc/net/tcp"), Path.of("/proc/net/tcp6")), Duration.ofMillis(200), Duration.ofSeconds(1),
            System::nanoTime);

    private static final Pattern SPACES = Pattern.compile("\\s+");

    private final SockDiag diag;
    private final List<Path> tables;
    private final long periodMillis;
    private final long graceNanos;
    private final LongSupplier nanoTime;
    private final Set<Watch> watches = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("hearth-client-watch").factory());
    private boolean polling; // guarded by this

    /**
     * @param period how often the tables are read while something is watched
     * @param grace  how long a connection is watched before it is looked up
     */
    ClientWatch(List<Path> tables, Duration period, Duration grace, LongSupplier nanoTime) {
        this(null, tables, period, grace, nanoTime);
    }

    /** @param diag where connections are looked up; null: in {@code tables} */
    ClientWatch(SockDiag diag, List<Path> tables, Duration period, Duration grace, LongSupplier nanoTime) {
        this.diag = diag;
        this.tables = tables.stream().filter(Files::isReadable).toList();
        this.periodMillis = period.toMillis();
        this.graceNanos = grace.toNanos();
        this.nanoTime = nanoTime;
    }

    /** One watched connection; close it when the request is over. */
    public final class Watch implements AutoCloseable {
        private final InetSocketAddress local;
        private final InetSocketAddress remote;
        private final Runnable onGone;
        private final long since;
        private boolean seen; // touched only by the polling thread

        private Watch(InetSocketAddress local, InetSocketAddress remote, Runnable onGone) {
            this.since = nanoTime.getAsLong();
            this.local = local;
            this.remote = remote;
            this.onGone = onGone;
        }

        @Override
        public void close() { watches.remove(this); }
    }

    /** Runs {@code onGone} once (on the watch's thread; it must not block) if the client goes away. */
    public Watch watch(ServerRequest req, Runnable onGone) {
        if (diag == null && tables.isEmpty() || !(req.remotePeer().address() instanceof InetSocketAddress remote)
                || remote.getAddress() == null || !(req.localPeer().address() instanceof InetSocketAddress local)) {
            return new Watch(new InetSocketAddress(0), new InetSocketAddress(0), onGone); // cannot watch: closing it does nothing
        }
        return watch(local, remote, onGone);
    }

    /** Watches the connection from {@code remote} to {@code local}. */
    Watch watch(InetSocketAddress local, InetSocketAddress remote, Runnable onGone) {
        Watch w = new Watch(local, remote, onGone);
        watches.add(w);
        synchronized (this) {
            if (!polling) {
                polling = true;
                timer.schedule(this::poll, periodMillis, TimeUnit.MILLISECONDS);
            }
        }
        return w;
    }

    private void poll() {
        try {
            check();
        } catch (RuntimeException e) {
            System.getLogger("hearth.gateway").log(System.Logger.Level.DEBUG, "client watch failed", e);
        } finally {
            synchronized (this) {
                polling = !watches.isEmpty();
                if (polling) {
                    timer.schedule(this::poll, periodMillis, TimeUnit.MILLISECONDS);
                }
            }
        }
    }

    /** One look at the connections watched for longer than the grace period; the tables are not read when there are none. */
    void check() {
        long now = nanoTime.getAsLong();
        List<Watch> due = watches.stream().filter(w -> now - w.since >= graceNanos).toList();
        if (due.isEmpty()) {
            return;
        }
        Map<String, String> states = diag != null ? Map.of() : tableStates(due);
        for (Watch w : due) {
            int state = diag != null ? diag.state(w.local, w.remote) : tableState(states.get(key(w)));
            if (state == SockDiag.ESTABLISHED) {
                w.seen = true;
            } else if (state > SockDiag.NONE || state == SockDiag.NONE && w.seen) { // closing, or gone after a reset
                if (watches.remove(w)) {
                    w.onGone.run();
                }
            }
        }
    }

    /** The watched connections' states as the tables list them. */
    private Map<String, String> tableStates(List<Watch> due) {
        Set<Integer> ports = new HashSet<>();
        Set<String> wanted = new HashSet<>();
        due.forEach(w -> {
            ports.add(w.local.getPort());
            wanted.add(key(w));
        });
        return states(ports, wanted);
    }

    /** A table's hex state as a number; {@link SockDiag#NONE} for a connection it does not list. */
    private static int tableState(String hex) {
        return hex == null ? SockDiag.NONE : Integer.parseInt(hex, 16);
    }

    /**
     * "local port|remote address|remote port" → TCP state (hex, as the kernel writes it), for the given local ports.
     * The tables are read in turn until every wanted connection has been found: an IPv4 listener's are all in
     * the first (tcp), so the second (tcp6), as costly to read, is read only when one is missing from it.
     */
    private Map<String, String> states(Set<Integer> ports, Set<String> wanted) {
        Map<String, String> states = new HashMap<>();
        for (Path table : tables) {
            if (states.keySet().containsAll(wanted)) break;
            try (BufferedReader in = Files.newBufferedReader(table)) {
                in.readLine(); // header
                for (String line; (line = in.readLine()) != null; ) {
                    // "  1: 0100007F:1F49 0100007F:A2C4 01 …": slot, local, remote, state
                    String[] f = SPACES.split(line.trim(), 5);
                    if (f.length < 4) continue;
                    int local = port(f[1]);
                    if (!ports.contains(local)) continue;
                    InetAddress remote = address(f[2]);
                    if (remote != null) states.put(key(local, remote, port(f[2])), f[3]);
                }
            } catch (IOException | RuntimeException e) {
                // a table that cannot be read tells nothing; the other one may
            }
        }
        return states;
    }

    private static String key(Watch w) {
        return key(w.local.getPort(), w.remote.getAddress(), w.remote.getPort());
    }

    private static String key(int localPort, InetAddress remote, int remotePort) {
        return localPort + "|" + remote.getHostAddress() + "|" + remotePort;
    }

    private static int port(String hostPort) {
        return Integer.parseInt(hostPort.substring(hostPort.indexOf(':') + 1), 16);
    }

    /** The kernel prints each 32-bit word of the address in the machine's byte order. */
    private static InetAddress address(String hostPort) {
        String hex = hostPort.substring(0, hostPort.indexOf(':'));
        ByteBuffer bytes = ByteBuffer.allocate(hex.length() / 2).order(ByteOrder.nativeOrder());
        for (int i = 0; i + 8 <= hex.length(); i += 8) {
            bytes.putInt((int) Long.parseLong(hex, i, i + 8, 16));
        }
        try {
            return InetAddress.getByAddress(bytes.array()); // an IPv4-mapped IPv6 address comes back as IPv4
        } catch (UnknownHostException e) {
            return null;
        }
    }
}
