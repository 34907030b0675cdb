package dev.hearth.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.abort;

/**
 * {@code hearth service}: the unit it writes (checked by Debian's {@code systemd-analyze verify},
 * which needs no running systemd), and the systemctl calls it makes — recorded by a fake, never run
 * on this machine.
 */
class ServiceCommandTest {
    @TempDir
    Path dir;

    /** A systemctl that records its calls and answers from a script. */
    static final class RecordingSystemctl implements Systemctl {
        final boolean usable;
        final List<List<String>> calls = new ArrayList<>();

        RecordingSystemctl(boolean usable) {
            this.usable = usable;
        }

        @Override
        public boolean usable() { return usable; }

        @Override
        public Result run(List<String> args) {
            calls.add(args);
            return new Result(0, args.contains("status") ? "● hearth.service - Hearth\n     Active: active (running)\n" : "");
        }
    }

    private final Path launcher = Path.of("hearth").toAbsolutePath();

    private Path config() throws Exception {
        return Files.writeString(dir.resolve("hearth.yaml"), """
                server:
                  listen: 127.0.0.1:8009
                models:
                  testsrc:
                    engine: testsrc
                    stop_grace: 100s
                """);
    }

    @Test
    void install_writesAUnitThatRunsServe_stopsHearthFirst_andSaysWhatToRun_whenSystemdIsNotRunning() throws Exception {
        RecordingSystemctl systemctl = new RecordingSystemctl(false);
        Path units = dir.resolve("units");

        CliRun r = CliRun.of(new ServiceCommand(systemctl, Map.of()), "install", "--unit-dir", units.toString(),
                "--launcher", launcher.toString(), "--config", config().toString(), "--data-dir", dir.resolve("my data").toString(),
                "--env", "HEARTH_IDLE_UNLOAD=10m", "--env-file", dir.resolve("hearth.env").toString(),
                "--working-dir", dir.toString());

        assertThat(r.code()).as(r.err()).isZero();
        String unit = Files.readString(units.resolve("hearth.service"));
        assertThat(unit).contains("ExecStart=" + launcher + " serve --config " + dir.resolve("hearth.yaml") + "\n")
                .contains("WorkingDirectory=" + dir + "\n")
                .contains("Environment=\"HEARTH_DATA_DIR=" + dir.resolve("my data") + "\"\n")
                .contains("Environment=HEARTH_IDLE_UNLOAD=10m\n")
                .contains("EnvironmentFile=-" + dir.resolve("hearth.env") + "\n")
                .contains("KillMode=mixed\n", "KillSignal=SIGTERM\n", "Restart=on-failure\n")
                .contains("TimeoutStopSec=130\n") // testsrc's stop_grace 100 s + 30 s
                .contains("WantedBy=default.target\n")
                .doesNotContain("User=");
        assertThat(r.out()).contains("Wrote " + units.resolve("hearth.service"))
                .contains("systemctl --user daemon-reload").contains("systemctl --user enable --now hearth.service");
        assertThat(systemctl.calls).isEmpty();
        verify(units.resolve("hearth.service"));
    }

    @Test
    void installSystem_isWantedByMultiUser_andVerifies() throws Exception {
        Path units = dir.resolve("system");

        CliRun r = CliRun.of(new ServiceCommand(new RecordingSystemctl(false), Map.of()), "install", "--system",
                "--unit-dir", units.toString(), "--launcher", launcher.toString(), "--no-start");

        assertThat(r.code()).as(r.err()).isZero();
        String unit = Files.readString(units.resolve("hearth.service"));
        assertThat(unit).contains("WantedBy=multi-user.target\n", "EnvironmentFile=-/etc/hearth/hearth.env\n",
                "TimeoutStopSec=90\n");
        assertThat(r.out()).contains("systemctl daemon-reload").doesNotContain("enable --now");
        verify(units.resolve("hearth.service"));
    }

    @Test
    void installStatusUninstall_callSystemctl_whenSystemdRuns() throws Exception {
        RecordingSystemctl systemctl = new RecordingSystemctl(true);
        Map<String, String> env = Map.of("XDG_CONFIG_HOME", dir.resolve("xdg").toString());
        Path unit = dir.resolve("xdg/systemd/user/hearth.service");

        CliRun status0 = CliRun.of(new ServiceCommand(systemctl, env), "status");
        CliRun install = CliRun.of(new ServiceCommand(systemctl, env), "install", "--launcher", launcher.toString(),
                "--config", config().toString());
        CliRun status = CliRun.of(new ServiceCommand(systemctl, env), "status");
        CliRun uninstall = CliRun.of(new ServiceCommand(systemctl, env), "uninstall");

        assertThat(status0.code()).isEqualTo(3);
        assertThat(status0.out()).contains("hearth.service is not installed");
        assertThat(install.code()).as(install.err()).isZero();
        assertThat(install.out()).contains("Started and enabled hearth.service");
        assertThat(status.out()).contains("Active: active (running)");
        assertThat(uninstall.code()).isZero();
        assertThat(unit).doesNotExist();
        assertThat(systemctl.calls).containsExactly(
                List.of("--user", "daemon-reload"), List.of("--user", "enable", "--now", "hearth.service"),
                List.of("--user", "status", "--no-pager", "hearth.service"),
                List.of("--user", "disable", "--now", "hearth.service"), List.of("--user", "daemon-reload"));
    }

    @Test
    void install_refusesAConfigThatDoesNotLoad_andALauncherThatIsNotThere() throws Exception {
        Path bad = Files.writeString(dir.resolve("bad.yaml"), "server:\n  listen: nowhere\n");
        CliRun badConfig = CliRun.of(new ServiceCommand(new RecordingSystemctl(false), Map.of()), "install",
                "--unit-dir", dir.toString(), "--launcher", launcher.toString(), "--config", bad.toString());
        CliRun noLauncher = CliRun.of(new ServiceCommand(new RecordingSystemctl(false), Map.of()), "install",
                "--unit-dir", dir.toString(), "--launcher", dir.resolve("nope").toString());

        assertThat(badConfig.code()).isEqualTo(2);
        assertThat(badConfig.err()).contains("does not load").doesNotContain("Exception");
        assertThat(noLauncher.code()).isEqualTo(2);
        assertThat(noLauncher.err()).contains("is not an executable file");
        assertThat(dir.resolve("hearth.service")).doesNotExist();
    }

    @Test
    void quote_leavesPlainWordsAlone_andQuotesSpacesQuotesAndPercent() {
        assertThat(SystemdUnit.quote("/opt/hearth/hearth")).isEqualTo("/opt/hearth/hearth");
        assertThat(SystemdUnit.quote("/my models/a\"b")).isEqualTo("\"/my models/a\\\"b\"");
        assertThat(SystemdUnit.quote("/data/100%")).isEqualTo("/data/100%%");
    }

    /** Debian's systemd-analyze verify, in system mode (it needs no running systemd for that). */
    private static void verify(Path unit) throws Exception {
        Path analyze = Path.of("/usr/bin/systemd-analyze");
        if (!Files.isExecutable(analyze)) {
            if ("true".equals(System.getenv("CI"))) fail("systemd-analyze is missing: .ci/run installs Debian's systemd package");
            abort("systemd-analyze is not installed (apt-get install systemd)");
        }
        Process p = new ProcessBuilder(analyze.toString(), "verify", unit.toString()).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("systemd-analyze verify finished").isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        // verify also warns about the machine's own units; what concerns ours names its file
        assertThat(out.lines().filter(l -> l.contains("hearth.service")).toList()).as(out).isEmpty();
    }
}
