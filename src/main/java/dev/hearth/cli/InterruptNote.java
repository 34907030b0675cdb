package dev.hearth.cli;

/**
 * A line for stderr if the JVM is ended (Ctrl-C, SIGTERM) while a long command runs: what was kept
 * and how to go on. Closed when the command ends by itself, so a normal exit prints nothing.
 */
final class InterruptNote implements AutoCloseable {
    private final Thread hook;

    private InterruptNote(String message) {
        hook = new Thread(() -> {
            System.err.println();
            System.err.println(message);
        }, "hearth-interrupt-note");
    }

    static InterruptNote on(String message) {
        InterruptNote n = new InterruptNote(message);
        Runtime.getRuntime().addShutdownHook(n.hook);
        return n;
    }

    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // the JVM is already shutting down: the note is being printed
        }
    }
}
