package dev.hearth.cli;

import dev.hearth.catalog.ConfigLoader;
import dev.hearth.config.ConfigException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "service", description = {"Run Hearth at boot as a systemd service:",
        "  hearth service install [--system] [--config hearth.yaml] [--data-dir DIR] [--no-start]",
        "  hearth service status", "  hearth service uninstall",
        "A user service (~/.config/systemd/user) by default; --system writes /etc/systemd/system (as root)."},
        subcommands = {ServiceCommand.Install.class, ServiceCommand.Status.class, ServiceCommand.Uninstall.class})
final class ServiceCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private final Systemctl systemctl;
    private final Map<String, String> env;

    ServiceCommand() {
        this(Systemctl.real(), System.getenv());
    }

    /** For tests: a systemctl that records instead of running, and an environment. */
    ServiceCommand(Systemctl systemctl, Map<String, String> env) {
        this.systemctl = systemctl;
        this.env = env;
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(System.out);
        return 0;
    }

    /** Options every subcommand takes: which unit (user or system), and where it lives. */
    static class Where {
        @Option(names = "--system", description = "the system service (/etc/systemd/system) instead of the user's")
        boolean system;

        @Option(names = "--user", description = "the user's service (~/.config/systemd/user), the default")
        boolean user;

        @Option(names = "--unit-dir", description = "write the unit here instead of systemd's directory (tests, packaging)")
        Path unitDir;

        Path unitFile(Map<String, String> env) {
            if (unitDir != null) return unitDir.resolve(SystemdUnit.NAME).toAbsolutePath();
            if (system) return Path.of("/etc/systemd/system", SystemdUnit.NAME);
            String config = env.get("XDG_CONFIG_HOME");
            Path base = config != null && !config.isBlank() ? Path.of(config)
                    : Path.of(System.getProperty("user.home"), ".config");
            return base.resolve("systemd/user").resolve(SystemdUnit.NAME);
        }

        List<String> scope() {
            return system ? List.of() : List.of("--user");
        }
    }

    @Command(name = "install", description = "Write hearth.service and start it (daemon-reload, enable --now).")
    static final class Install implements Callable<Integer> {
        @CommandLine.ParentCommand
        ServiceCommand parent;

        @CommandLine.Mixin
        Where where = new Where();

        @Option(names = {"-c", "--config"}, description = "the hearth.yaml the service runs with (default: ./hearth.yaml when present)")
        Path config;

        @Option(names = "--data-dir", description = "the data dir (HEARTH_DATA_DIR; default: server.data_dir of the config)")
        Path dataDir;

        @Option(names = "--listen", description = "host:port for `serve --listen` (default: the config's)")
        String listen;

        @Option(names = "--env", paramLabel = "KEY=VALUE", description = "an Environment= line, repeatable; keep secrets"
                + " in the --env-file instead (a unit file is readable by every user)")
        List<String> envs = new ArrayList<>();

        @Option(names = "--env-file", description = "an EnvironmentFile= (optional: missing is fine) for settings such as"
                + " HEARTH_API_KEYS or HF_TOKEN (default: ~/.config/hearth/hearth.env, /etc/hearth/hearth.env with --system)")
        Path envFile;

        @Option(names = "--working-dir", description = "the service's working directory, where ./models and relative"
                + " paths are found (default: the current directory)")
        Path workingDir;

        @Option(names = "--launcher", description = "the `hearth` launcher to run (default: this one, $HEARTH_LAUNCHER)")
        Path launcher;

        @Option(names = "--no-start", description = "write the unit and reload systemd, but do not enable or start it")
        boolean noStart;

        @Override
        public Integer call() throws InterruptedException {
            Map<String, String> env = parent.env;
            Path launch = launcher != null ? launcher : env.containsKey("HEARTH_LAUNCHER") ? Path.of(env.get("HEARTH_LAUNCHER")) : null;
            if (launch == null) {
                System.err.println("hearth service install: which launcher should the service run? Run this through ./hearth,"
                        + " or give --launcher /path/to/hearth");
                return 2;
            }
            launch = launch.toAbsolutePath().normalize();
            if (!Files.isExecutable(launch)) {
                System.err.println("hearth service install: " + launch + " is not an executable file (--launcher)");
                return 2;
            }
            Path cfg = config != null ? config : Files.isRegularFile(Path.of("hearth.yaml")) ? Path.of("hearth.yaml") : null;
            long stop = 90;
            if (cfg != null) {
                cfg = cfg.toAbsolutePath().normalize();
                try {
                    // as long as Hearth may take to stop every engine one by one, and some
                    long grace = ConfigLoader.load(cfg, env).models().values().stream()
                            .mapToLong(m -> m.stopGrace().toSeconds()).sum();
                    stop = Math.max(stop, grace + 30);
                } catch (ConfigException e) {
                    System.err.println("hearth service install: " + cfg + " does not load, so the service would not start:\n"
                            + e.getMessage());
                    return 2;
                }
            }
            Map<String, String> environment = new LinkedHashMap<>();
            if (dataDir != null) environment.put("HEARTH_DATA_DIR", dataDir.toAbsolutePath().normalize().toString());
            for (String kv : envs) {
                int eq = kv.indexOf('=');
                if (eq <= 0) {
                    System.err.println("hearth service install: --env expects KEY=VALUE, got '" + kv + "'");
                    return 2;
                }
                environment.put(kv.substring(0, eq), kv.substring(eq + 1));
            }
            Path envF = envFile != null ? envFile.toAbsolutePath().normalize() : where.system
                    ? Path.of("/etc/hearth/hearth.env") : Path.of(System.getProperty("user.home"), ".config/hearth/hearth.env");
            String user = where.system ? env.getOrDefault("SUDO_USER", System.getProperty("user.name")) : null;
            if ("root".equals(user)) user = null;
            SystemdUnit unit = new SystemdUnit(launch, cfg, listen,
                    (workingDir != null ? workingDir : Path.of("")).toAbsolutePath().normalize(), environment, envF,
                    where.system, user, stop);
            Path file = where.unitFile(env);
            try {
                Files.createDirectories(file.getParent());
                Files.writeString(file, unit.text());
            } catch (IOException e) {
                System.err.println("hearth service install: cannot write " + file + ": " + e.getMessage()
                        + (where.system ? " (--system needs root: sudo ./hearth service install --system)" : ""));
                return 1;
            }
            System.out.println("Wrote " + file);
            List<String> scope = where.scope();
            List<List<String>> steps = new ArrayList<>();
            steps.add(Systemctl.args(scope, "daemon-reload"));
            if (!noStart) steps.add(Systemctl.args(scope, "enable", "--now", SystemdUnit.NAME));
            if (!parent.systemctl.usable() || where.unitDir != null) {
                System.out.println("systemd is not running here (or the unit went to --unit-dir), so nothing was started. Run:");
                for (List<String> s : steps) System.out.println("  systemctl " + String.join(" ", s));
                if (!where.system) System.out.println("  loginctl enable-linger $USER   # to start at boot, before you log in");
                return 0;
            }
            for (List<String> s : steps) {
                Systemctl.Result r = parent.systemctl.run(s);
                if (r.code() != 0) {
                    System.err.println("systemctl " + String.join(" ", s) + " failed (exit " + r.code() + "):\n" + r.output());
                    return 1;
                }
            }
            System.out.println(noStart ? "Installed; start it with: systemctl " + String.join(" ", Systemctl.args(scope,
                    "enable", "--now", SystemdUnit.NAME)) : "Started and enabled " + SystemdUnit.NAME
                    + "; logs: journalctl " + String.join(" ", scope) + " -u hearth -f");
            if (!where.system && !noStart) System.out.println("To start at boot before you log in: loginctl enable-linger $USER");
            return 0;
        }
    }

    @Command(name = "status", description = "systemctl status of hearth.service, or \"not installed\".")
    static final class Status implements Callable<Integer> {
        @CommandLine.ParentCommand
        ServiceCommand parent;

        @CommandLine.Mixin
        Where where = new Where();

        @Override
        public Integer call() throws InterruptedException {
            Path file = where.unitFile(parent.env);
            if (!Files.isRegularFile(file)) {
                System.out.println(SystemdUnit.NAME + " is not installed (no " + file + ")");
                return 3; // systemctl's own code for a unit that is not active
            }
            if (!parent.systemctl.usable()) {
                System.out.println(SystemdUnit.NAME + " is installed at " + file + ", but systemd is not running here");
                return 3;
            }
            Systemctl.Result r = parent.systemctl.run(Systemctl.args(where.scope(), "status", "--no-pager", SystemdUnit.NAME));
            System.out.print(r.output());
            return r.code();
        }
    }

    @Command(name = "uninstall", description = "Stop and disable hearth.service and remove its unit file.")
    static final class Uninstall implements Callable<Integer> {
        @CommandLine.ParentCommand
        ServiceCommand parent;

        @CommandLine.Mixin
        Where where = new Where();

        @Override
        public Integer call() throws InterruptedException {
            Path file = where.unitFile(parent.env);
            if (!Files.isRegularFile(file)) {
                System.out.println(SystemdUnit.NAME + " is not installed (no " + file + "); nothing to remove");
                return 0;
            }
            boolean live = parent.systemctl.usable() && where.unitDir == null;
            if (live) {
                Systemctl.Result r = parent.systemctl.run(Systemctl.args(where.scope(), "disable", "--now", SystemdUnit.NAME));
                if (r.code() != 0) {
                    System.err.println("systemctl disable --now failed (exit " + r.code() + "):\n" + r.output());
                    return 1;
                }
            }
            try {
                Files.delete(file);
            } catch (IOException e) {
                System.err.println("hearth service uninstall: cannot remove " + file + ": " + e.getMessage());
                return 1;
            }
            if (live) parent.systemctl.run(Systemctl.args(where.scope(), "daemon-reload"));
            System.out.println("Removed " + file + (live ? "; the service is stopped and disabled"
                    : "; systemd is not running here, so nothing was stopped"));
            return 0;
        }
    }
}
