package dev.hearth.app;

import dev.hearth.observe.Hardware;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A fake of nvidia-smi for machines without an NVIDIA GPU: a shell script that prints canned GPUs
 * for {@code --query-gpu} and, for {@code --query-compute-apps}, a figure for each process whose
 * command line matches a pattern (found in /proc). Hearth runs it instead of nvidia-smi through
 * the {@link Hardware} it is started with, as it would run the real one.
 */
final class FakeNvidiaSmi {
    private FakeNvidiaSmi() {}

    /**
     * @param gpus        the lines of {@code --query-gpu=index,name,memory.total,memory.used}
     * @param appsPattern a grep pattern of engine command lines, each such process using {@code appsMib}
     */
    static Hardware hardware(Path dir, String gpus, String appsPattern, long appsMib) {
        Path script = dir.resolve("fake-nvidia-smi");
        try {
            Files.writeString(script, """
                    #!/bin/sh
                    case "$*" in
                      *--query-gpu=*) cat <<'GPUS'
                    %s
                    GPUS
                      ;;
                      *--query-compute-apps=*)
                        for d in /proc/[0-9]*; do
                          if tr '\\0' ' ' < "$d/cmdline" 2>/dev/null | grep -q -- '%s'; then
                            echo "${d#/proc/}, %d"
                          fi
                        done ;;
                      *) exit 2 ;;
                    esac
                    """.formatted(gpus.strip(), appsPattern, appsMib));
            Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Hardware.CommandRunner real = Hardware.processRunner(Duration.ofSeconds(10));
        return new Hardware(command -> {
            List<String> faked = new ArrayList<>(command);
            if (faked.getFirst().equals("nvidia-smi")) faked.set(0, script.toString());
            return real.run(faked);
        }, Path.of("/proc/meminfo"));
    }
}
