package dev.hearth.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;

@Command(name = "pull", description = {"Download a model from a Hugging Face-style hub into the models dir:",
        "  hearth pull TheBloke/TinyLlama-1.1B-Chat-v1.0-GGUF:*Q4_K_M.gguf --add",
        "The hub is $HF_ENDPOINT (default https://huggingface.co); $HF_TOKEN is sent as a Bearer token.",
        "Partial files are kept as <file>.part and resumed; each file is checked (sha256, else size)."})
final class PullCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "REPO[:GLOB]",
            description = "owner/name, optionally with a file glob (owner/name:*Q4_K_M.gguf); default: every file")
    String spec;

    @Option(names = "--revision", description = "branch, tag or commit (default: main)")
    String revision = "main";

    @Option(names = "--dir", description = "where the files go (default: the first of $HEARTH_MODELS_DIR, else ./models"
            + " — where `hearth serve` looks for GGUF files)")
    Path dir;

    @Option(names = "--parallel", description = "files downloaded at once (default: 4)")
    int parallel = 4;

    @Option(names = "--add", description = "append a chat model entry per GGUF to hearth.yaml (--config), keeping its comments")
    boolean add;

    @Option(names = {"-c", "--config"}, description = "the hearth.yaml that --add appends to (default: ./hearth.yaml)")
    Path config;

    @Option(names = "--stall-timeout", description = "seconds without a byte before a connection is dropped and resumed"
            + " (default: 60)")
    long stallSeconds = 60;

    private final Map<String, String> env;
    private final Progress progress;

    PullCommand() {
        this(System.getenv(), new Progress(System.err, Progress.stderrIsTerminal(), Duration.ofSeconds(5)));
    }

    /** For tests: an environment (HF_ENDPOINT, HF_TOKEN) and where the progress goes. */
    PullCommand(Map<String, String> env, Progress progress) {
        this.env = env;
        this.progress = progress;
    }

    @Override
    public Integer call() throws InterruptedException {
        try {
            return pull();
        } catch (Hub.HubException e) {
            progress.finish();
            System.err.println("hearth pull: " + e.getMessage());
            return 1;
        } catch (IOException e) {
            progress.finish();
            System.err.println("hearth pull: " + e.getMessage());
            return 1;
        }
    }

    private int pull() throws Hub.HubException, IOException, InterruptedException {
        int colon = spec.indexOf(':');
        String repo = colon < 0 ? spec : spec.substring(0, colon);
        String glob = colon < 0 ? null : spec.substring(colon + 1);
        if (!repo.matches("[A-Za-z0-9][A-Za-z0-9._-]*(/[A-Za-z0-9][A-Za-z0-9._-]*)?")) {
            System.err.println("hearth pull: '" + repo + "' is not a repo name like owner/name");
            return 2;
        }
        if (parallel < 1) {
            System.err.println("hearth pull: --parallel must be at least 1");
            return 2;
        }
        Hub hub = Hub.fromEnv(env);
        Hub.Listing listing = hub.files(repo, revision);
        String commit = listing.commit();
        List<String> files = select(listing.files(), glob);
        if (files.isEmpty()) {
            throw new Hub.HubException(glob == null ? repo + " has no files at revision " + revision
                    : "No file in " + repo + " matches '" + glob + "'");
        }
        Path into = placement(repo, files);
        List<Hub.FileInfo> infos = new ArrayList<>();
        for (String f : files) infos.add(hub.describe(repo, commit, f));
        long total = infos.stream().mapToLong(i -> Math.max(0, i.size())).sum();
        checkRoom(into, infos, total);
        progress.note("Pulling " + files.size() + " file" + (files.size() == 1 ? "" : "s") + " (" + Progress.bytes(total)
                + ") from " + hub.endpoint() + "/" + repo + (commit.equals(revision) ? "" : " at " + revision + " ("
                + commit.substring(0, 12) + ")") + " into " + into);

        List<AtomicLong> counters = new ArrayList<>();
        List<Future<String>> done = new ArrayList<>();
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().factory());
        Semaphore slots = new Semaphore(parallel);
        long start = System.nanoTime();
        try (InterruptNote note = InterruptNote.on("hearth pull: interrupted; the partial files are kept as <file>.part in "
                + into + ": run the same pull again to resume them");
             ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (Hub.FileInfo info : infos) {
                AtomicLong c = new AtomicLong();
                counters.add(c);
                Path target = into.resolve(info.name()).normalize();
                if (!target.startsWith(into)) throw new Hub.HubException("The hub listed a file outside the repo: " + info.name());
                FileDownload d = new FileDownload(hub, repo, commit, info, target, c, ticker, stallSeconds, 3);
                done.add(pool.submit(() -> {
                    slots.acquire();
                    try {
                        String how = d.run();
                        progress.note(info.name() + ": " + how + " (" + Progress.bytes(Files.size(target)) + ")");
                        return how;
                    } finally {
                        slots.release();
                    }
                }));
            }
            ticker.scheduleAtFixedRate(() -> progress.show(line(counters, total, start), false), 0, 200, TimeUnit.MILLISECONDS);
            List<String> errors = new ArrayList<>();
            for (Future<String> f : done) {
                try {
                    f.get(); // each download bounds its own waits (connect and answer timeouts, stall watchdog)
                } catch (ExecutionException e) {
                    errors.add(e.getCause() instanceof Hub.HubException || e.getCause() instanceof IOException
                            ? e.getCause().getMessage() : String.valueOf(e.getCause()));
                }
            }
            ticker.shutdownNow();
            progress.show(line(counters, total, start), true);
            progress.finish();
            if (!errors.isEmpty()) {
                for (String e : errors) System.err.println("hearth pull: " + e);
                return 1;
            }
        } finally {
            ticker.shutdownNow();
        }
        System.out.println("Pulled " + repo + " into " + into);
        if (add) return ConfigAppend.addGgufs(config, into, defaultDir(env), files, System.out, System.err);
        return 0;
    }

    private static String line(List<AtomicLong> counters, long total, long start) {
        long got = counters.stream().mapToLong(AtomicLong::get).sum();
        double secs = Math.max(0.001, (System.nanoTime() - start) / 1e9);
        double rate = got / secs;
        long eta = rate > 0 && total > 0 ? (long) ((total - got) / rate) : -1;
        return String.format(Locale.ROOT, "%s %s / %s  %s/s  ETA %s", Progress.bar(total > 0 ? got / (double) total : 0, 24),
                Progress.bytes(got), Progress.bytes(total), Progress.bytes((long) rate), Progress.duration(eta));
    }

    /** The repo's files that match the glob (matched against the whole path, and against the file name alone). */
    static List<String> select(List<String> files, String glob) {
        if (glob == null || glob.isBlank()) return files;
        PathMatcher m = FileSystems.getDefault().getPathMatcher("glob:" + glob);
        return files.stream().filter(f -> m.matches(Path.of(f)) || m.matches(Path.of(f).getFileName())).toList();
    }

    /**
     * GGUF files land in the models dir itself, where {@code hearth serve} finds them with no config;
     * any other selection (a diffusers or safetensors repo) goes to {@code <dir>/<owner>--<name>/}, keeping
     * the repo's layout.
     */
    private Path placement(String repo, List<String> files) {
        Path base = dir != null ? dir : defaultDir(env);
        boolean ggufs = files.stream().allMatch(f -> f.toLowerCase(Locale.ROOT).endsWith(".gguf"));
        return (ggufs ? base : base.resolve(repo.replace("/", "--"))).toAbsolutePath().normalize();
    }

    static Path defaultDir(Map<String, String> env) {
        String listed = env.get("HEARTH_MODELS_DIR");
        if (listed != null) {
            for (String entry : listed.split(":")) {
                if (!entry.isBlank()) return Path.of(entry.strip());
            }
        }
        return dev.hearth.config.Defaults.MODELS_DIR;
    }

    private static void checkRoom(Path into, List<Hub.FileInfo> infos, long total) throws IOException, Hub.HubException {
        Path existing = into;
        while (existing != null && !Files.exists(existing)) existing = existing.toAbsolutePath().getParent();
        if (existing == null) return;
        long have = 0;
        for (Hub.FileInfo i : infos) {
            Path part = FileDownload.partOf(into.resolve(i.name()));
            if (Files.isRegularFile(part)) have += Files.size(part);
        }
        long free = Files.getFileStore(existing).getUsableSpace();
        if (total - have > free) {
            throw new Hub.HubException("Not enough disk space in " + existing + ": the pull needs "
                    + Progress.bytes(total - have) + ", " + Progress.bytes(free) + " is free");
        }
    }
}
