package dev.hearth.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The text of hearth.service: {@code <launcher> serve [--config …] [--listen …]} in a working
 * directory, settings from {@code Environment=} and an optional {@code EnvironmentFile=}.
 *
 * <p>Stopping: {@code KillMode=mixed} sends SIGTERM to Hearth alone — its shutdown hook stops every
 * engine (SIGTERM to the engine's process tree, its {@code stop_grace}, then SIGKILL) — and only
 * what is still alive after {@code TimeoutStopSec} gets SIGKILL from systemd. The default
 * {@code control-group} would SIGTERM the engines at the same moment as Hearth, behind its back.
 *
 * @param user       the account a system service runs as; null in a user service (or for root)
 * @param stopSeconds TimeoutStopSec: long enough for Hearth to stop every engine one after another
 */
record SystemdUnit(Path launcher, Path config, String listen, Path workingDir, Map<String, String> environment,
                   Path environmentFile, boolean system, String user, long stopSeconds) {

    static final String NAME = "hearth.service";

    String text() {
        List<String> exec = new ArrayList<>(List.of(quote(launcher.toString()), "serve"));
        if (config != null) exec.addAll(List.of("--config", quote(config.toString())));
        if (listen != null) exec.addAll(List.of("--listen", quote(listen)));
        StringBuilder s = new StringBuilder();
        s.append("# Written by `hearth service install`; `hearth service uninstall` removes it.\n");
        s.append("[Unit]\n");
        s.append("Description=Hearth: self-hosted inference (LLMs, embeddings, jobs) behind one port\n");
        s.append("After=network-online.target\n");
        s.append("Wants=network-online.target\n\n");
        s.append("[Service]\n");
        s.append("Type=exec\n");
        if (user != null) s.append("User=").append(user).append('\n');
        s.append("WorkingDirectory=").append(quote(workingDir.toString())).append('\n');
        s.append("ExecStart=").append(String.join(" ", exec)).append('\n');
        for (Map.Entry<String, String> e : environment.entrySet()) {
            s.append("Environment=").append(quote(e.getKey() + "=" + e.getValue())).append('\n');
        }
        if (environmentFile != null) {
            s.append("# settings such as HEARTH_API_KEYS or HF_TOKEN, one KEY=value a line (optional: '-')\n");
            s.append("EnvironmentFile=-").append(escape(environmentFile.toString())).append('\n');
        }
        s.append("# SIGTERM to Hearth alone: it stops its engines itself, each with its stop_grace\n");
        s.append("KillMode=mixed\n");
        s.append("KillSignal=SIGTERM\n");
        s.append("TimeoutStopSec=").append(stopSeconds).append('\n');
        s.append("Restart=on-failure\n");
        s.append("RestartSec=5\n\n");
        s.append("[Install]\n");
        s.append("WantedBy=").append(system ? "multi-user.target" : "default.target").append('\n');
        return s.toString();
    }

    /** A word for an ExecStart or Environment line: as is when plain, else double-quoted with escapes. */
    static String quote(String word) {
        String w = escape(word);
        if (!w.isEmpty() && w.chars().noneMatch(c -> Character.isWhitespace(c) || c == '"' || c == '\'' || c == '\\' || c == ';')) {
            return w;
        }
        return "\"" + w.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /** '%' starts a specifier in unit files: a literal one is "%%". */
    private static String escape(String s) {
        return s.replace("%", "%%");
    }
}
