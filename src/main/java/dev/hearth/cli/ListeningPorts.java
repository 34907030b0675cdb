package dev.hearth.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The TCP ports a process listens on, from Linux's /proc: the socket inodes among its open files
 * ({@code /proc/PID/fd}) matched against the listening sockets of its network namespace
 * ({@code /proc/PID/net/tcp} and {@code tcp6}). {@code hearth bench} uses it to find the engine a
 * Hearth started, so that nginx and the direct path are measured in front of that same engine.
 */
final class ListeningPorts {
    /** The kernel's TCP state for a listening socket, as /proc/net/tcp writes it. */
    private static final String LISTEN = "0A";

    private ListeningPorts() {}

    /** The ports, in order; empty where the process is gone or there is no /proc. */
    static Set<Integer> of(long pid) {
        Path proc = Path.of("/proc", Long.toString(pid));
        Set<String> inodes = socketInodes(proc.resolve("fd"));
        Set<Integer> ports = new TreeSet<>();
        if (inodes.isEmpty()) return ports;
        for (String table : List.of("tcp", "tcp6")) {
            try {
                ports.addAll(listening(Files.readAllLines(proc.resolve("net").resolve(table)), inodes));
            } catch (IOException | RuntimeException noTable) {
                // no IPv6 here, or the process ended meanwhile
            }
        }
        return ports;
    }

    /**
     * The local ports of the listening sockets in a /proc/net/tcp table whose inode is one of
     * {@code inodes}. A line: {@code sl local_address rem_address st tx_queue:rx_queue tr:tm->when
     * retrnsmt uid timeout inode …}, the address as hex IP and hex port.
     */
    static Set<Integer> listening(List<String> table, Set<String> inodes) {
        Set<Integer> ports = new TreeSet<>();
        for (String line : table) {
            String[] f = line.strip().split("\\s+");
            if (f.length < 10 || !LISTEN.equals(f[3]) || !inodes.contains(f[9])) continue;
            int colon = f[1].lastIndexOf(':');
            if (colon < 0) continue;
            try {
                ports.add(Integer.parseInt(f[1].substring(colon + 1), 16));
            } catch (NumberFormatException header) {
                // the table's first line names its columns
            }
        }
        return ports;
    }

    /** The inodes of the sockets among the open files in {@code fdDir} ("socket:[12345]" links). */
    private static Set<String> socketInodes(Path fdDir) {
        Set<String> inodes = new HashSet<>();
        try (var fds = Files.list(fdDir)) {
            for (Path fd : (Iterable<Path>) fds::iterator) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[") && target.endsWith("]")) {
                        inodes.add(target.substring("socket:[".length(), target.length() - 1));
                    }
                } catch (IOException | UnsupportedOperationException closedMeanwhile) {
                    // a file closed while listed
                }
            }
        } catch (IOException | RuntimeException noProc) {
            return Set.of();
        }
        return inodes;
    }
}
