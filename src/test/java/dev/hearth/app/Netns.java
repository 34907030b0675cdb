package dev.hearth.app;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Linux network namespaces for a test: one per node, each with its own loopback and one address on
 * a bridge in this namespace, so the nodes reach each other (and this JVM) only by those addresses,
 * as separate machines would. Needs root and iproute2; {@link #create} says why not otherwise.
 */
final class Netns implements AutoCloseable {
    private final String tag;
    private final int subnet;
    private final int count;
    private final List<Relay> relays = new ArrayList<>();

    private Netns(String tag, int subnet, int count) {
        this.tag = tag;
        this.subnet = subnet;
        this.count = count;
    }

    /** {@code count} namespaces on a new bridge; throws saying what failed (no root, no iproute2). */
    static Netns create(int count) {
        Random r = new Random();
        String tag = "hn" + Integer.toHexString(0x1000 + r.nextInt(0xefff));
        Netns n = new Netns(tag, 100 + r.nextInt(150), count);
        try {
            ip("link", "add", n.bridge(), "type", "bridge");
            ip("addr", "add", n.host() + "/24", "dev", n.bridge());
            ip("link", "set", n.bridge(), "up");
            for (int i = 0; i < count; i++) {
                String ns = n.name(i);
                ip("netns", "add", ns);
                ip("link", "add", tag + "h" + i, "type", "veth", "peer", "name", tag + "n" + i);
                ip("link", "set", tag + "n" + i, "netns", ns);
                ip("link", "set", tag + "h" + i, "master", n.bridge());
                ip("link", "set", tag + "h" + i, "up");
                ip("-n", ns, "addr", "add", n.address(i) + "/24", "dev", tag + "n" + i);
                ip("-n", ns, "link", "set", tag + "n" + i, "up");
                ip("-n", ns, "link", "set", "lo", "up");
            }
            return n;
        } catch (RuntimeException e) {
            n.close();
            throw e;
        }
    }

    String name(int i) { return tag + "-" + i; }

    private String bridge() { return tag + "br"; }

    /** This namespace's address on the bridge. */
    String host() { return "10.213." + subnet + ".1"; }

    /** Node {@code i}'s only address besides its own loopback. */
    String address(int i) { return "10.213." + subnet + "." + (i + 2); }

    /** What runs a command inside namespace {@code i}. */
    List<String> exec(int i) { return List.of("ip", "netns", "exec", name(i)); }

    /**
     * A TCP relay on {@link #host()} to {@code target} on this namespace's loopback (a PostgreSQL
     * started for the tests listens there only).
     *
     * @return the relay's port on {@link #host()}
     */
    int relay(String targetHost, int targetPort) throws IOException {
        Relay relay = new Relay(new ServerSocket(), targetHost, targetPort);
        relay.server.bind(new InetSocketAddress(host(), 0));
        relays.add(relay);
        Thread.ofVirtual().start(relay::run);
        return relay.server.getLocalPort();
    }

    @Override
    public void close() {
        relays.forEach(Relay::close);
        for (int i = 0; i < count; i++) quietly("netns", "del", name(i)); // takes its end of the veth along
        quietly("link", "del", bridge());
    }

    private static void quietly(String... args) {
        try {
            ip(args);
        } catch (RuntimeException ignored) {
            // already gone
        }
    }

    private static void ip(String... args) {
        List<String> cmd = new ArrayList<>(List.of("ip"));
        cmd.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", cmd) + ": " + out);
            }
        } catch (IOException e) {
            throw new IllegalStateException(String.join(" ", cmd) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Copies bytes both ways between each accepted connection and the target. */
    private record Relay(ServerSocket server, String targetHost, int targetPort) {
        void run() {
            while (!server.isClosed()) {
                try {
                    Socket in = server.accept();
                    Socket out = new Socket(targetHost, targetPort);
                    Thread.ofVirtual().start(() -> pipe(in, out));
                    Thread.ofVirtual().start(() -> pipe(out, in));
                } catch (IOException e) {
                    return; // closed
                }
            }
        }

        private static void pipe(Socket from, Socket to) {
            try (from; to) {
                from.getInputStream().transferTo(to.getOutputStream());
            } catch (IOException ignored) {
                // one side closed: both close
            }
        }

        void close() {
            try {
                server.close();
            } catch (IOException ignored) {
                // closing
            }
        }
    }
}
