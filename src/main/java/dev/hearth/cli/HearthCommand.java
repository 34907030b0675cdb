package dev.hearth.cli;

import picocli.CommandLine.Command;

/** `hearth` and its subcommands. */
// INHERIT: every subcommand takes --help and --version too (`hearth serve --help`)
@Command(name = "hearth", mixinStandardHelpOptions = true, scope = picocli.CommandLine.ScopeType.INHERIT,
        versionProvider = VersionProvider.class,
        description = "Self-hosted inference: LLMs, embeddings and long jobs behind one port and one memory budget.",
        subcommands = {ServeCommand.class, EngineCommand.class, HealthCommand.class, ModelsCommand.class,
                BenchCommand.class, PullCommand.class, JobsCommand.class, ServiceCommand.class,
                AotTrainingCommand.class})
public final class HearthCommand implements Runnable {

    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.out);
    }

    /** `serve` and `engine` return while their servers run; every other command ends the JVM. */
    public static boolean keepsRunning(String[] args) {
        boolean help = java.util.Arrays.stream(args).anyMatch(a -> a.equals("-h") || a.equals("--help")
                || a.equals("-V") || a.equals("--version"));
        return !help && args.length > 0 && (args[0].equals("serve") || args[0].equals("engine"));
    }
}
