package dev.hearth.app;

import dev.hearth.cli.HearthCommand;
import picocli.CommandLine;

/** Entry point of `./hearth` and of Hearth's own child processes (`hearth engine …`). */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        // one line per log record, readable in a terminal and in data/logs
        System.setProperty("java.util.logging.SimpleFormatter.format",
                "%1$tF %1$tT %4$-7s %3$s: %5$s%6$s%n");
        int code = new CommandLine(new HearthCommand()).execute(args);
        if (code != 0 || !HearthCommand.keepsRunning(args)) {
            System.exit(code);
        }
    }
}
