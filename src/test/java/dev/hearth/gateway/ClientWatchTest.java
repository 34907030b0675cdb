package dev.hearth.gateway;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** The watch against a TCP table written here, in the kernel's format, on a clock moved by hand. */
class ClientWatchTest {
    private static final int LOCAL_PORT = 8080;
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
        watch.watch(LOCAL_PORT, CLIENT, gone::incrementAndGet);

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
        watch.watch(LOCAL_PORT, CLIENT, gone::incrementAndGet);
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
        watch.watch(LOCAL_PORT, CLIENT, gone::incrementAndGet).close();
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
        watch.watch(LOCAL_PORT, CLIENT, gone::incrementAndGet);
        now += Duration.ofSeconds(2).toNanos();
        watch.check();
        assertThat(gone).hasValue(0);

        table("tcp", "01", CLIENT.getPort() + 1); // now only another connection is in the first: the second is read
        watch.check();
        assertThat(gone).hasValue(1);
    }

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
