package dev.hearth.cli;

import dev.hearth.config.ServerSection;
import dev.hearth.app.Hearth;
import dev.hearth.app.StartupException;
import dev.hearth.config.ConfigException;
import dev.hearth.catalog.ConfigLoader;
import dev.hearth.catalog.HearthConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "serve", description = "Run Hearth: the gateway, the scheduler and the engines it starts on demand.")
final class ServeCommand implements Callable<Integer> {

    @Option(names = {"-c", "--config"}, description = "hearth.yaml to use (default: ./hearth.yaml, else the built-in catalog)")
    Path config;

    @Option(names = "--listen", description = "host:port to listen on (overrides server.listen and HEARTH_LISTEN)")
    String listen;

    @Override
    public Integer call() {
        Map<String, String> env = new HashMap<>(System.getenv());
        if (listen != null) {
            env.put(ServerSection.LISTEN_OPTION, listen);
        }
        HearthConfig cfg;
        try {
            cfg = ConfigLoader.load(ConfigLoader.locate(config), env);
        } catch (ConfigException e) {
            System.err.println(e.getMessage());
            return 2;
        }
        Hearth hearth;
        try {
            hearth = Hearth.start(cfg);
        } catch (StartupException e) {
            System.err.println(e.getMessage());
            return 1;
        }
        System.out.println("Hearth is serving on " + hearth.baseUri() + "  (models: "
                + String.join(", ", cfg.models().keySet()) + ")");
        // SIGTERM / Ctrl-C: stop taking requests, stop every engine, then exit
        Runtime.getRuntime().addShutdownHook(new Thread(hearth::close, "hearth-shutdown"));
        return 0;
    }
}
