package dev.hearth;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.abort;

/**
 * A small tmpfs mounted on a directory, to fill a disk for real. Mounting needs root (CI runs as
 * root on Debian): where it is impossible the test is skipped locally but fails when CI=true, so a
 * CI that lost the ability cannot pass quietly.
 */
public final class Tmpfs implements AutoCloseable {
    private final Path dir;

    private Tmpfs(Path dir) {
        this.dir = dir;
    }

    /** Mounts a tmpfs of {@code size} (mount's syntax: 2m) on {@code dir}, creating it. */
    public static Tmpfs mount(Path dir, String size) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        String out = run(List.of("mount", "-t", "tmpfs", "-o", "size=" + size + ",mode=0777", "tmpfs", dir.toString()));
        if (out != null) {
            String why = "cannot mount a tmpfs on " + dir + " (it needs root): " + out.strip();
            if ("true".equalsIgnoreCase(System.getenv("CI"))) fail("CI=true but " + why);
            abort("full-disk test skipped: " + why);
        }
        return new Tmpfs(dir);
    }

    /** Writes {@code filler} until the file system refuses another byte; returns the bytes written. */
    public long fill(Path filler) throws IOException {
        long written = 0;
        byte[] chunk = new byte[4096];
        try (OutputStream out = Files.newOutputStream(filler)) {
            while (true) {
                out.write(chunk);
                out.flush();
                written += chunk.length;
            }
        } catch (IOException full) {
            if (!String.valueOf(full.getMessage()).contains("No space left on device")) throw full;
        }
        return written;
    }

    @Override
    public void close() throws IOException, InterruptedException {
        if (run(List.of("umount", dir.toString())) != null) {
            run(List.of("umount", "-l", dir.toString())); // a process still had a file open there
        }
    }

    /** Null when the command succeeded, else its output. */
    private static String run(List<String> command) throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            return e.getMessage();
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return command.getFirst() + " did not finish in 30 s";
        }
        return p.exitValue() == 0 ? null : out + " (exit " + p.exitValue() + ")";
    }
}
