package dev.hearth.app;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.fail;

/**
 * The Python worker's venv ({@code workers/python/bin/venv}; {@code HEARTH_WORKER_PYTHON} names its
 * python): the tests on real diffusers and the real Whisper run in it. Where it is missing they are
 * skipped with the reason, and fail when CI=true.
 */
final class WorkerVenv {
    static final Path WORKER_DIR = Path.of("workers/python").toAbsolutePath();

    private WorkerVenv() {}

    /** The venv's python, or null when there is none here (and CI is not set). */
    static String python() throws Exception {
        String python = System.getenv("HEARTH_WORKER_PYTHON");
        if (python == null || python.isBlank()) {
            String path = run(List.of(WORKER_DIR.resolve("bin/venv").toString(), "--path")).strip();
            if (Files.isRegularFile(Path.of(path).getParent().resolveSibling(".complete"))) python = path;
        }
        if (python == null || python.isBlank()) {
            if ("true".equalsIgnoreCase(System.getenv("CI"))) fail("CI=true but " + MISSING);
            return null;
        }
        return python;
    }

    static final String MISSING = "the worker's venv is missing; build it with workers/python/bin/venv"
            + " (or set HEARTH_WORKER_PYTHON to a python with the worker's extras)";

    /** Runs a command in the worker's directory; fails the test with its output unless it exits 0. */
    static String run(List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(new ArrayList<>(cmd)).directory(WORKER_DIR.toFile()).redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(300, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail(String.join(" ", cmd) + " did not finish in 300 s:\n" + out);
        }
        if (p.exitValue() != 0) fail(String.join(" ", cmd) + " exited " + p.exitValue() + ":\n" + out);
        return out;
    }
}
