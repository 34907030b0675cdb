package dev.hearth.app;

/** Entry point; subcommands are wired in by the CLI. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.out.println("hearth");
    }
}
