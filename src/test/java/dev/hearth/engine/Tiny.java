package dev.hearth.engine;

import dev.hearth.engine.process.ChildSpec;
import dev.hearth.engine.process.JavaCommand;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** Specs that run {@link TinyServer} as a real child JVM with this JVM's class path. */
final class Tiny {
    private Tiny() { }

    static List<String> argv(String... flags) {
        // a small, quick JVM: the tests start many of them on a shared machine
        var argv = JavaCommand.of(TinyServer.class, "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xmx48m");
        argv.addAll(List.of("--port", ProcessSpec.PORT));
        argv.addAll(List.of(flags));
        return argv;
    }

    static ProcessSpec spec(Path logFile, Duration startTimeout, Duration stopGrace, String... flags) {
        return new ProcessSpec(new ChildSpec("tiny", argv(flags), Map.of(), null, startTimeout, stopGrace, logFile),
                "/health");
    }

    /** The number a line like "tiny: pid 123" carries, once it is in the engine's log. */
    static long numberAfter(LogBuffer logs, String prefix) {
        var pattern = Pattern.compile(Pattern.quote(prefix) + " (\\d+)");
        return logs.tail(Integer.MAX_VALUE).stream()
                .map(pattern::matcher)
                .filter(java.util.regex.Matcher::find)
                .mapToLong(m -> Long.parseLong(m.group(1)))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no '" + prefix + "' line in " + logs.tail(50)));
    }

    static boolean logged(LogBuffer logs, String text) {
        return logs.tail(Integer.MAX_VALUE).stream().anyMatch(l -> l.contains(text));
    }
}
