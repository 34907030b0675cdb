package dev.hearth.cli;

import picocli.CommandLine.Command;

/** `hearth` and its subcommands. */
@Command(name = "hearth", mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Self-hosted inference: LLMs, embeddings and long jobs behind one port and one memory budget.",
        subcommands = {ServeCommand.class, EngineCommand.class, HealthCommand.class, ModelsCommand.class,
                BenchCommand.class})
public final class HearthCommand implements Runnable {

    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.out);
    }

    /** `serve` and `engine` return while their servers run; every other command ends the JVM. */
    public static boolean keepsRunning(String[] args) {
        return args.length > 0 && (args[0].equals("serve") || args[0].equals("engine"));
    }
}
