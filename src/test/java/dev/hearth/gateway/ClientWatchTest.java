package dev.hearth.gateway;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The watch against a TCP table written here, in the kernel's format, on a clock moved by hand; and
 * against real loopback connections through the kernel's diagnostics socket ({@link SockDiag}).
 */
class ClientWatchTest {
    private static final int LOCAL_PORT = 8080;
    private static final InetSocketAddress LOCAL = new InetSocketAddress("127.0.0.1", LOCAL_PORT);
    private static final InetSocketAddress CLIENT = new InetSocketAddress("127.0.0.1", 40000);

    @TempDir
    Path dir;
    private long now;
    private final AtomicInteger gone = new AtomicInteger();

    private ClientWatch watchOver(Path table) {
        // a period of an hour: the watch's own timer never polls during the test; check() is called by hand
        return new ClientWatch(List.of(table), Duration.ofHours(1), Duration.ofSeconds(1), () -> now);
    }

    @Test
    void closingConnection_isNoticed_onlyOnceWatchedForTheGracePeriod() throws Exception {
        Path table = table("08"); // CLOSE_WAIT: the client sent its FIN
        ClientWatch watch = watchOver(table);
        watch.watch(LOCAL, CLIENT, gone::incrementAndGet);

        now += Duration.ofMillis(999).toNanos();
        watch.check();
        assertThat(gone).hasValue(0);

        now += Duration.ofMillis(1).toNanos();
        watch.check();
        assertThat(gone).hasValue(1);

        watch.check();
        assertThat(gone).as("told once").hasValue(1);
    }

    @Test
    void resetConnection_isNoticed_whenItLeavesTheTableAfterBeingSeen() throws Exception {
        Path table = table("01"); // ESTABLISHED
        ClientWatch watch = watchOver(table);
        watch.watch(LOCAL, CLIENT, gone::incrementAndGet);
        now += Duration.ofSeconds(2).toNanos();
        watch.check();
        assertThat(gone).hasValue(0);

        Files.writeString(table, HEADER); // a reset: the connection is gone from the table
        watch.check();
        assertThat(gone).hasValue(1);
    }

    @Test
    void closedWatch_isNotTold() throws Exception {
        ClientWatch watch = watchOver(table("08"));
        watch.watch(LOCAL, CLIENT, gone::incrementAndGet).close();
        now += Duration.ofSeconds(2).toNanos();
        watch.check();
        assertThat(gone).hasValue(0);
    }

    @Test
    void secondTable_isReadOnlyForAConnectionTheFirstDoesNotList() throws Exception {
        // the same connection CLOSE_WAIT in the second table: read, it would make the client gone
        Path first = table("tcp", "01", CLIENT.getPort());
        Path second = table("tcp6", "08", CLIENT.getPort());
        ClientWatch watch = new ClientWatch(List.of(first, second), Duration.ofHours(1), Duration.ofSeconds(1), () -> now);
        watch.watch(LOCAL, CLIENT, gone::incrementAndGet);
        now += Duration.ofSeconds(2).toNanos();
        watch.check();
        assertThat(gone).hasValue(0);

        table("tcp", "01", CLIENT.getPort() + 1); // now only another connection is in the first: the second is read
        watch.check();
        assertThat(gone).hasValue(1);
    }

    @Test
    void realConnections_closedOrResetByTheirClients_areNoticed_throughTheKernelsDiagnostics() throws Exception {
        SockDiag diag = SockDiag.open().orElseThrow(() -> new AssertionError("Linux's NETLINK_SOCK_DIAG did not open"));
        ClientWatch watch = new ClientWatch(diag, List.of(), Duration.ofHours(1), Duration.ofSeconds(1), () -> now);
        try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
             Socket closing = new Socket(listener.getInetAddress(), listener.getLocalPort());
             Socket closed = listener.accept();
             Socket resetting = new Socket(listener.getInetAddress(), listener.getLocalPort());
             Socket reset = listener.accept();
             Socket staying = new Socket(listener.getInetAddress(), listener.getLocalPort());
             Socket stays = listener.accept()) {
            AtomicInteger resets = new AtomicInteger();
            AtomicInteger leaves = new AtomicInteger();
            watch.watch(local(closed), remote(closed), gone::incrementAndGet);
            watch.watch(local(reset), remote(reset), resets::incrementAndGet);
            watch.watch(local(stays), remote(stays), leaves::incrementAndGet);
            assertThat(diag.state(local(stays), remote(stays))).isEqualTo(SockDiag.ESTABLISHED);
            now += Duration.ofSeconds(2).toNanos();
            watch.check();
            assertThat(List.of(gone.get(), resets.get(), leaves.get())).containsOnly(0);

            closing.close();                 // a FIN: Hearth's side goes to CLOSE_WAIT
            resetting.setSoLinger(true, 0);
            resetting.close();               // a reset: Hearth's side leaves the kernel's table
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                watch.check();
                assertThat(gone).hasValue(1);
                assertThat(resets).hasValue(1);
            });
            assertThat(leaves).as("a client still connected is not taken for gone").hasValue(0);
            assertThat(diag.state(local(stays), remote(stays))).isEqualTo(SockDiag.ESTABLISHED);
        }
    }

    private static InetSocketAddress local(Socket s) { return (InetSocketAddress) s.getLocalSocketAddress(); }

    private static InetSocketAddress remote(Socket s) { return (InetSocketAddress) s.getRemoteSocketAddress(); }

    private Path table(String name, String state, int remotePort) throws Exception {
        Path table = dir.resolve(name);
        Files.writeString(table, HEADER + "   0: %s:%04X %s:%04X %s 00000000:00000000 00:00000000 00000000     0\n"
                .formatted(hex(CLIENT), LOCAL_PORT, hex(CLIENT), remotePort, state));
        return table;
    }

    private static final String HEADER = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid\n";

    private Path table(String state) throws Exception {
        Path table = dir.resolve("tcp");
        String line = "   0: %s:%04X %s:%04X %s 00000000:00000000 00:00000000 00000000     0\n".formatted(
                hex(CLIENT), LOCAL_PORT, hex(CLIENT), CLIENT.getPort(), state);
        Files.writeString(table, HEADER + line);
        return table;
    }

    /** An IPv4 address as /proc/net/tcp prints it: one 32-bit word in the machine's byte order. */
    private static String hex(InetSocketAddress a) {
        return "%08X".formatted(ByteBuffer.wrap(a.getAddress().getAddress()).order(ByteOrder.nativeOrder()).getInt());
    }
}
