package dev.hearth.cli;

import dev.hearth.engine.llamacpp.LlamaEngineMain;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Unmatched;

import java.util.ArrayList;
import java.util.List;

/** Hearth's own engine modes, started by Hearth as child processes (`hearth engine llamacpp --model … --port …`). */
@Command(name = "engine", hidden = true, description = "Run one of Hearth's engines (started by Hearth itself).")
final class EngineCommand implements Runnable {

    @Parameters(index = "0", description = "engine kind: llamacpp")
    String kind;

    @Unmatched
    List<String> rest = new ArrayList<>();

    @Override
    public void run() {
        if (!kind.equals("llamacpp")) {
            throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
                    "unknown engine mode '" + kind + "' (known: llamacpp)");
        }
        LlamaEngineMain.main(rest.toArray(String[]::new));
    }
}
