package dev.hearth.app;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hearth.Json;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Runs a script of the official OpenAI Python SDK (the venv {@code bin/sdk-venv} prints, built once)
 * against a Hearth, with OPENAI_BASE_URL pointing at it, and reads the JSON report it prints.
 */
final class PythonSdk {
    private PythonSdk() {}

    static JsonNode report(TestHearth h, Path dir, Path script, String... args) throws IOException, InterruptedException {
        String python = output(new ProcessBuilder("bin/sdk-venv"), dir, 600).strip();
        List<String> cmd = new ArrayList<>(List.of(python, script.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder run = new ProcessBuilder(cmd);
        run.environment().put("OPENAI_BASE_URL", h.uri("/v1").toString());
        run.environment().remove("OPENAI_API_KEY");
        return Json.MAPPER.readTree(output(run, dir, 300));
    }

    /** Runs the command and returns its stdout; fails with its stderr when it fails or hangs. */
    private static String output(ProcessBuilder pb, Path dir, int timeoutSeconds) throws IOException, InterruptedException {
        Path err = Files.createTempFile(dir, "stderr", ".txt");
        Process p = pb.redirectError(err.toFile()).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail(pb.command() + " did not finish in " + timeoutSeconds + " s: " + Files.readString(err));
        }
        if (p.exitValue() != 0) {
            fail(pb.command() + " exited with " + p.exitValue() + ": " + Files.readString(err));
        }
        return new String(out, StandardCharsets.UTF_8);
    }
}
