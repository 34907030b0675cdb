package dev.hearth.cli;

import dev.hearth.StorageFullException;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One file of a pull: into {@code <target>.part}, resumed with a Range request from what the part
 * already holds (after a cut connection, up to {@code attempts} times in one run, and across runs:
 * an interrupted pull keeps its parts), checked (sha256 when the hub gave one, else the size) and
 * only then renamed into place. A file that fails its check is removed, never left where Hearth
 * would load it.
 */
final class FileDownload {
    private final Hub hub;
    private final String repo;
    private final String revision;
    private final Hub.FileInfo info;
    private final Path target;
    private final AtomicLong counted;
    private final ScheduledExecutorService watchdog;
    private final long stallSeconds;
    private final int attempts;

    /** @param counted bytes of this file on disk so far, shared with the progress bar */
    FileDownload(Hub hub, String repo, String revision, Hub.FileInfo info, Path target, AtomicLong counted,
                 ScheduledExecutorService watchdog, long stallSeconds, int attempts) {
        this.hub = hub;
        this.repo = repo;
        this.revision = revision;
        this.info = info;
        this.target = target;
        this.counted = counted;
        this.watchdog = watchdog;
        this.stallSeconds = stallSeconds;
        this.attempts = attempts;
    }

    static Path partOf(Path target) {
        return target.resolveSibling(target.getFileName() + ".part");
    }

    /** @return a word for the summary: "downloaded", "resumed" or "already there" */
    String run() throws Hub.HubException, IOException, InterruptedException {
        if (Files.isRegularFile(target) && info.size() >= 0 && Files.size(target) == info.size()) {
            counted.set(info.size());
            return "already there";
        }
        Files.createDirectories(target.getParent());
        Path part = partOf(target);
        boolean resumed = Files.isRegularFile(part) && Files.size(part) > 0;
        for (int attempt = 1; ; attempt++) {
            try {
                fetchInto(part);
                break;
            } catch (IOException e) {
                if (StorageFullException.isDiskFull(e)) {
                    throw new Hub.HubException("The disk is full: " + target.getParent() + " has no room for "
                            + info.name() + "; free some space and run the pull again (it resumes from "
                            + part.getFileName() + ")");
                }
                if (attempt >= attempts) {
                    throw new Hub.HubException("Download of " + info.name() + " broke off after " + attempts
                            + " attempts (" + e.getMessage() + "); run the pull again to resume from "
                            + Progress.bytes(Files.isRegularFile(part) ? Files.size(part) : 0));
                }
                resumed = true;
            }
        }
        verify(part);
        Files.move(part, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return resumed ? "resumed" : "downloaded";
    }

    private void fetchInto(Path part) throws Hub.HubException, IOException, InterruptedException {
        long have = Files.isRegularFile(part) ? Files.size(part) : 0;
        if (info.size() >= 0 && have > info.size()) {
            Files.delete(part);
            have = 0;
        }
        counted.set(have);
        if (info.size() >= 0 && have == info.size() && have > 0) return; // a whole part from an earlier run
        HttpResponse<InputStream> r = hub.download(repo, revision, info.name(), have);
        int s = r.statusCode();
        if (s == 416) { // the part already holds everything the server has
            r.body().close();
            return;
        }
        boolean append = s == 206 && have > 0;
        if (!append) counted.set(0); // a 200 is the whole file again: start over
        try (InputStream in = r.body();
             OutputStream out = Files.newOutputStream(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                     append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING)) {
            copy(in, out);
        }
        long got = Files.size(part);
        if (info.size() >= 0 && got < info.size()) { // a body that ended early: the connection was cut
            throw new IOException("the connection ended at " + got + " of " + info.size() + " bytes");
        }
    }

    /** Copies, counting bytes; a connection silent for {@code stallSeconds} is closed (the read then fails). */
    private void copy(InputStream in, OutputStream out) throws IOException {
        AtomicLong lastByte = new AtomicLong(System.nanoTime());
        ScheduledFuture<?> stall = watchdog.scheduleWithFixedDelay(() -> {
            if (System.nanoTime() - lastByte.get() > TimeUnit.SECONDS.toNanos(stallSeconds)) {
                try {
                    in.close();
                } catch (IOException ignored) {
                    // closing is all that is wanted; the reader sees the error
                }
            }
        }, 1, 1, TimeUnit.SECONDS);
        try {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) >= 0; ) {
                out.write(buf, 0, n);
                counted.addAndGet(n);
                lastByte.set(System.nanoTime());
            }
        } catch (IOException e) {
            if (System.nanoTime() - lastByte.get() > TimeUnit.SECONDS.toNanos(stallSeconds)) {
                throw new IOException("no data for " + stallSeconds + " s", e);
            }
            throw e;
        } finally {
            stall.cancel(false);
        }
    }

    private void verify(Path part) throws Hub.HubException, IOException {
        long size = Files.size(part);
        if (info.size() >= 0 && size != info.size()) {
            Files.deleteIfExists(part);
            throw new Hub.HubException(info.name() + ": got " + size + " bytes, the hub announced " + info.size()
                    + "; the file was removed, run the pull again");
        }
        if (info.sha256() == null) return;
        String got = sha256(part);
        if (!got.equals(info.sha256())) {
            Files.deleteIfExists(part);
            throw new Hub.HubException(info.name() + ": sha256 mismatch: the hub says " + info.sha256() + ", the download is "
                    + got + "; the file was removed, run the pull again");
        }
    }

    static String sha256(Path file) throws IOException {
        MessageDigest d;
        try {
            d = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) >= 0; ) d.update(buf, 0, n);
        }
        return HexFormat.of().formatHex(d.digest());
    }
}
