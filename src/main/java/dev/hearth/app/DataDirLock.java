package dev.hearth.app;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One Hearth per data dir: the live one holds an OS lock on {@code <data dir>/hearth.lock} for as
 * long as it runs (the OS drops it when the process dies, kill -9 included). A second Hearth on the
 * same data dir refuses to start instead of treating the first one's engines as leftovers of a dead
 * Hearth and stopping them. The file also says who holds it, for the refusal's message.
 */
final class DataDirLock implements AutoCloseable {
    static final String FILE = "hearth.lock";

    private final FileChannel channel;
    private final FileLock lock;

    private DataDirLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** @throws StartupException when another live Hearth holds the data dir */
    static DataDirLock acquire(Path dataDir) {
        Path file = dataDir.resolve(FILE);
        FileChannel channel = null;
        try {
            Files.createDirectories(dataDir);
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException sameJvm) {
                lock = null;
            }
            if (lock == null) {
                throw new StartupException("the data dir " + dataDir.toAbsolutePath().normalize() + " is in use by another Hearth"
                        + holder(file) + "; stop that one, or give this one its own data dir (HEARTH_DATA_DIR or server.data_dir)");
            }
            DataDirLock held = new DataDirLock(channel, lock);
            held.write("pid=" + ProcessHandle.current().pid() + "\n");
            return held;
        } catch (IOException e) {
            closeQuietly(channel);
            throw new StartupException("cannot use the data dir " + dataDir + ": " + e.getMessage());
        } catch (RuntimeException e) {
            closeQuietly(channel);
            throw e;
        }
    }

    /** Records where this Hearth serves, so a refused second one can name it. */
    void announce(URI url) {
        try {
            write("pid=" + ProcessHandle.current().pid() + "\nurl=" + url + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void write(String content) throws IOException {
        channel.truncate(0);
        channel.write(ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8)), 0);
        channel.force(false);
    }

    /** " (pid 1234, serving on http://…)" from the holder's file, or "" when it says nothing. */
    private static String holder(Path file) {
        try {
            String pid = null;
            String url = null;
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (line.startsWith("pid=")) pid = line.substring(4).strip();
                if (line.startsWith("url=")) url = line.substring(4).strip();
            }
            if (pid == null) return "";
            return " (pid " + pid + (url == null ? "" : ", serving on " + url) + ")";
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException ignored) {
            // closing the channel releases it too
        }
        closeQuietly(channel);
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel == null) return;
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing held any more either way
        }
    }
}
