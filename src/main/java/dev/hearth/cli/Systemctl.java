package dev.hearth.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** systemctl, behind an interface so that tests record its calls instead of touching the machine's systemd. */
interface Systemctl {
    record Result(int code, String output) {}

    /** Whether systemd runs here (its runtime directory exists) and systemctl is on PATH. */
    boolean usable();

    /** Runs {@code systemctl args…}; its exit code and output (stdout and stderr together). */
    Result run(List<String> args) throws InterruptedException;

    static List<String> args(List<String> scope, String... rest) {
        List<String> a = new ArrayList<>(scope);
        a.addAll(List.of(rest));
        return a;
    }

    static Systemctl real() {
        return new Systemctl() {
            @Override
            public boolean usable() {
                return Files.isDirectory(Path.of("/run/systemd/system")) && onPath("systemctl");
            }

            @Override
            public Result run(List<String> args) throws InterruptedException {
                List<String> cmd = new ArrayList<>(List.of("systemctl"));
                cmd.addAll(args);
                try {
                    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
                    p.getOutputStream().close();
                    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
                    Thread reader = Thread.ofVirtual().start(() -> {
                        try (var in = p.getInputStream()) {
                            in.transferTo(out);
                        } catch (IOException e) {
                            // the process was ended: what was read is kept
                        }
                    });
                    // enable --now waits for the start; a minute is plenty for Hearth to begin serving
                    if (!p.waitFor(60, TimeUnit.SECONDS)) {
                        p.destroyForcibly();
                        return new Result(124, "systemctl " + String.join(" ", args) + " did not finish within 60 s\n");
                    }
                    reader.join(java.time.Duration.ofSeconds(5));
                    return new Result(p.exitValue(), out.toString(StandardCharsets.UTF_8));
                } catch (IOException e) {
                    return new Result(127, "cannot run systemctl: " + e.getMessage() + "\n");
                }
            }
        };
    }

    private static boolean onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) return false;
        for (String dir : path.split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) return true;
        }
        return false;
    }
}
