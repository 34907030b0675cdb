package dev.hearth.cli;

import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** A CLI command run in this JVM: its exit code, stdout and stderr. */
record CliRun(int code, String out, String err) {

    /** Runs {@code command} (a picocli command object) with {@code args}, capturing System.out and System.err. */
    static CliRun of(Object command, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        int code;
        synchronized (CliRun.class) {
            try {
                System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
                System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
                CommandLine cl = new CommandLine(command);
                // a command that throws shows its whole stack in the test's report
                cl.setExecutionExceptionHandler((e, c, parsed) -> {
                    e.printStackTrace();
                    return 99;
                });
                code = cl.execute(args);
            } finally {
                System.setOut(oldOut);
                System.setErr(oldErr);
            }
        }
        return new CliRun(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
