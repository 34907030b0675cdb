package dev.hearth.media;

import dev.hearth.StorageFullException;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A job's results under {@code data/outputs/<job>/}. Files appear there only whole (temp file
 * plus atomic rename), so a download, a retention sweep or a restart after kill -9 never sees
 * half a video; size and sha256 are recorded so a client can verify what it fetched.
 */
public final class Outputs {
    private static final Logger LOG = System.getLogger("hearth.media");
    public static final String THUMBNAIL = "thumbnail.jpg";

    /** A stored result file. */
    public record OutputFile(String name, Path path, String contentType, long size, String sha256) {}

    private final Path outputsDir;
    private final String ffmpeg;
    private final Duration ffmpegTimeout;

    public Outputs(Path dataDir) {
        this(dataDir, "ffmpeg", Duration.ofSeconds(60));
    }

    public Outputs(Path dataDir, String ffmpeg, Duration ffmpegTimeout) {
        this.outputsDir = dataDir.resolve("outputs");
        this.ffmpeg = ffmpeg;
        this.ffmpegTimeout = ffmpegTimeout;
    }

    /** The blob directory these outputs (and the jobs' inputs) live in. */
    public Path root() {
        return outputsDir.getParent();
    }

    public Path dir(String jobId) {
        return outputsDir.resolve(Files2.safeName(jobId));
    }

    /** Moves what a worker produced into the job's output directory, keeping its file name. */
    public OutputFile store(String jobId, Path produced) {
        String name = Files2.safeName(produced.getFileName().toString());
        Path target = dir(jobId).resolve(name);
        try {
            Files2.moveAtomically(produced, target);
            return describe(target);
        } catch (IOException e) {
            if (StorageFullException.isDiskFull(e)) {
                throw StorageFullException.dataDir(outputsDir.getParent(),
                        "the output " + name, e);
            }
            throw new UncheckedIOException("storing output " + name + " of job " + jobId, e);
        }
    }

    /** Name, type, size and sha256 of a file already in place. */
    public static OutputFile describe(Path file) throws IOException {
        return new OutputFile(file.getFileName().toString(), file, contentType(file), Files.size(file), sha256(file));
    }

    /**
     * {@code thumbnail.jpg} beside the video, from its first frame, 320 px wide. A missing
     * thumbnail must not fail a finished job, so any ffmpeg failure is logged and answered empty.
     */
    public Optional<Path> thumbnail(Path video) {
        Path dir = video.toAbsolutePath().getParent();
        Path target = dir.resolve(THUMBNAIL);
        Path tmp = dir.resolve(".thumbnail-" + ProcessHandle.current().pid() + "-" + System.nanoTime() + ".jpg");
        try {
            Process p = new ProcessBuilder(List.of(ffmpeg, "-nostdin", "-v", "error", "-y", "-i", video.toString(),
                    "-frames:v", "1", "-vf", "scale=320:-2", tmp.toString()))
                    .redirectErrorStream(true).start();
            byte[] log;
            try (InputStream out = p.getInputStream()) {
                log = out.readNBytes(8192); // -v error keeps this short; reading avoids a full pipe
            }
            if (!p.waitFor(ffmpegTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                LOG.log(Level.WARNING, "thumbnail of {0}: ffmpeg took longer than {1}", video, ffmpegTimeout);
                return Optional.empty();
            }
            if (p.exitValue() != 0 || !Files.isRegularFile(tmp) || Files.size(tmp) == 0) {
                LOG.log(Level.WARNING, "thumbnail of {0}: ffmpeg exited {1}: {2}", video, p.exitValue(),
                        new String(log, StandardCharsets.UTF_8).strip());
                return Optional.empty();
            }
            Files2.moveAtomically(tmp, target);
            return Optional.of(target);
        } catch (IOException e) {
            LOG.log(Level.WARNING, "thumbnail of " + video + ": " + e.getMessage());
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } finally {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // a stray dot-file; retention removes the directory later
            }
        }
    }

    /** Content type by magic bytes, then by extension; octet-stream when neither knows. */
    public static String contentType(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            Optional<MediaType> sniffed = MediaType.sniff(in.readNBytes(MediaType.SNIFF_BYTES));
            if (sniffed.isPresent()) {
                return sniffed.get().contentType();
            }
        } catch (IOException e) {
            // fall back to the name
        }
        String name = file.getFileName().toString();
        return MediaType.fromExtension(name).map(MediaType::contentType).orElseGet(() -> {
            if (name.endsWith(".json")) {
                return "application/json";
            }
            if (name.endsWith(".txt") || name.endsWith(".log")) {
                return "text/plain; charset=utf-8";
            }
            if (name.endsWith(".srt")) return "application/x-subrip; charset=utf-8";
            if (name.endsWith(".vtt")) return "text/vtt; charset=utf-8";
            return "application/octet-stream";
        });
    }

    public static String sha256(Path file) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e); // every JDK has SHA-256
        }
        byte[] buf = new byte[64 * 1024];
        try (InputStream in = Files.newInputStream(file)) {
            for (int r; (r = in.read(buf)) >= 0; ) {
                md.update(buf, 0, r);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
