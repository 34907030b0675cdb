package dev.hearth.media;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Which finished jobs' files to delete: every job older than the max age, then the oldest of the
 * rest until what remains fits the disk cap. A pure function of its inputs so the job store can
 * decide, record, and then remove; only finished jobs are offered, so a running job's files are
 * never touched (and do not count against the cap, since nothing here could free them).
 */
public final class Retention {
    /** A finished job as retention sees it. */
    public record FinishedJob(String id, Instant finishedAt, long bytes) {}

    private Retention() {}

    /**
     * @param maxAge   null or zero for no age limit
     * @param maxBytes zero or less for no disk cap
     * @return ids to delete, oldest first
     */
    public static List<String> decide(List<FinishedJob> jobs, Instant now, Duration maxAge, long maxBytes) {
        List<FinishedJob> byAge = jobs.stream()
                .sorted(Comparator.comparing(FinishedJob::finishedAt).thenComparing(FinishedJob::id))
                .toList();
        List<String> delete = new ArrayList<>();
        long kept = 0;
        List<FinishedJob> survivors = new ArrayList<>();
        for (FinishedJob j : byAge) {
            boolean expired = maxAge != null && !maxAge.isZero() && j.finishedAt().isBefore(now.minus(maxAge));
            if (expired) {
                delete.add(j.id());
            } else {
                survivors.add(j);
                kept += j.bytes();
            }
        }
        if (maxBytes > 0) {
            for (FinishedJob j : survivors) {
                if (kept <= maxBytes) {
                    break;
                }
                delete.add(j.id());
                kept -= j.bytes();
            }
        }
        return List.copyOf(delete);
    }

    /** Removes {@code outputs/<id>} and {@code inputs/<id>} under the data directory. */
    public static void remove(Path dataDir, String id) throws IOException {
        String safe = Files2.safeName(id);
        Files2.deleteTree(dataDir.resolve("outputs").resolve(safe));
        Files2.deleteTree(dataDir.resolve("inputs").resolve(safe));
    }

    /** Bytes a job's inputs and outputs take on disk, for {@link FinishedJob#bytes()}. */
    public static long bytesOnDisk(Path dataDir, String id) throws IOException {
        String safe = Files2.safeName(id);
        long total = 0;
        for (Path dir : List.of(dataDir.resolve("outputs").resolve(safe), dataDir.resolve("inputs").resolve(safe))) {
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (Stream<Path> walk = Files.walk(dir)) {
                for (Path p : walk.filter(Files::isRegularFile).toList()) {
                    total += Files.size(p);
                }
            }
        }
        return total;
    }
}
