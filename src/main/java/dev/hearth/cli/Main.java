package dev.hearth.cli;

import dev.hearth.app.Hearth;
import picocli.CommandLine;

/** Entry point of `./hearth` and of Hearth's own child processes (`hearth engine …`). */
public final class Main {
    /**
     * DJL probes for CUDA when the embeddings tokenizer loads and warns twice on every machine
     * without a GPU driver; that is not a problem Hearth has. Held here: JUL keeps loggers weakly.
     */
    private static final java.util.logging.Logger DJL_CUDA = java.util.logging.Logger.getLogger("ai.djl.util.cuda.CudaUtils");

    private Main() {}

    public static void main(String[] args) {
        // one line per log record, readable in a terminal and in data/logs
        System.setProperty("java.util.logging.SimpleFormatter.format",
                "%1$tF %1$tT %4$-7s %3$s: %5$s%6$s%n");
        DJL_CUDA.setLevel(java.util.logging.Level.SEVERE);
        int code = new CommandLine(new HearthCommand()).execute(args);
        if (code != 0 || !HearthCommand.keepsRunning(args)) {
            System.exit(code);
        }
    }
}
