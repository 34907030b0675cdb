package dev.hearth.cli;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** How the bench finds the port of the engine a Hearth started. */
class ListeningPortsTest {

    @Test
    void of_findsThePortsThisProcessListensOn_notItsConnections() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             Socket client = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
             Socket accepted = server.accept()) {
            Set<Integer> ports = ListeningPorts.of(ProcessHandle.current().pid());
            assertThat(ports).contains(server.getLocalPort());
            assertThat(ports).as("a connected socket's own port is no listener")
                    .doesNotContain(client.getLocalPort());
        }
    }

    @Test
    void of_aProcessThatIsGone_listensOnNothing() {
        assertThat(ListeningPorts.of(Long.MAX_VALUE)).isEmpty();
    }

    @Test
    void listening_readsTheKernelsTable_listenersWithTheProcesssInodesOnly() {
        List<String> table = List.of(
                "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode",
                "   0: 0100007F:A989 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 51001 1 0",
                "   1: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 51002 1 0",
                "   2: 0100007F:A989 0100007F:D2F0 01 00000000:00000000 00:00000000 00000000     0        0 51003 1 0");
        assertThat(ListeningPorts.listening(table, Set.of("51001", "51003"))).containsExactly(0xA989);
        assertThat(ListeningPorts.listening(table, Set.of("99"))).isEmpty();
    }
}
