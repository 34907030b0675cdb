package dev.hearth.catalog;

import dev.hearth.config.ServerSection;
import dev.hearth.config.ConfigException;
import dev.hearth.config.ListenAddress;
import dev.hearth.config.ServerConfig;
import dev.hearth.catalog.ConfigLoader;
import dev.hearth.catalog.HearthConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static dev.hearth.catalog.ConfigFiles.refused;
import static dev.hearth.catalog.ConfigFiles.write;
import static org.assertj.core.api.Assertions.assertThat;

class ConfigLoaderEnvTest {
    @TempDir
    Path dir;

    private static final String FILE = """
            server:
              listen: 127.0.0.1:7000
              data_dir: ./from-file
              database: sqlite
              memory_budget: 10GiB
              idle_unload: 1h
              exclusive: false
              max_queue: 50
            models: {}
            """;

    private ServerConfig server(Map<String, String> env) {
        return ConfigLoader.load(write(dir, FILE), env, dir).server();
    }

    @Test
    void hearthListen_winsOverTheFile_asHostPortOrPort() {
        assertThat(server(Map.of("HEARTH_LISTEN", "localhost:9100"))).extracting("host", "port")
                .containsExactly("localhost", 9100);
        assertThat(server(Map.of("HEARTH_LISTEN", ":9200"))).extracting("host", "port")
                .containsExactly("127.0.0.1", 9200);
    }

    @Test
    void listenOption_winsOverHearthListen() {
        assertThat(server(Map.of(ServerSection.LISTEN_OPTION, ":9300", "HEARTH_LISTEN", ":9200")))
                .extracting("host", "port").containsExactly("127.0.0.1", 9300);
    }

    @Test
    void everyInterfaceRefusal_namesTheListenOption_notHearthListen_whenTheOptionWasUsed() {
        ConfigException e = refused(write(dir, FILE), Map.of(ServerSection.LISTEN_OPTION, "0.0.0.0:8009"), dir);

        assertThat(e.getMessage()).startsWith("1 problem in the command line\n");
        assertThat(e.problems()).singleElement().asString()
                .startsWith("--listen (command line): 0.0.0.0 is reachable from other machines")
                .doesNotContain("HEARTH_LISTEN (environment)");
    }

    @Test
    void listenAddress_isWhereServeWouldListen_andSaysWhichSettingChoseIt() {
        Path file = write(dir, FILE);
        assertThat(ListenAddress.of(file, Map.of("HEARTH_LISTEN", "127.0.0.1:18601")))
                .isEqualTo(new ListenAddress("127.0.0.1", 18601, "HEARTH_LISTEN"));
        assertThat(ListenAddress.of(file, Map.of()))
                .isEqualTo(new ListenAddress("127.0.0.1", 7000, "server.listen in " + file));
        assertThat(ListenAddress.of(null, Map.of()))
                .isEqualTo(new ListenAddress("127.0.0.1", 8009, "the default"));
        assertThat(ListenAddress.of(null, Map.of("HEARTH_LISTEN", "0.0.0.0:9000")).url())
                .as("a wildcard listen address is reached on loopback").isEqualTo("http://127.0.0.1:9000");
        assertThat(ListenAddress.of(null, Map.of("HEARTH_LISTEN", "[::]:9000")).url()).isEqualTo("http://[::1]:9000");
    }

    @Test
    void listenAddress_readsOnlyTheListenKey_soABrokenRestOfTheFileStillFindsHearth() {
        Path file = write(dir, """
                server:
                  listen: 127.0.0.1:7100
                  memory_budget: lots
                models:
                  x: { engine: nope }
                """);
        assertThat(ListenAddress.of(file, Map.of()).port()).isEqualTo(7100);
    }

    @Test
    void hearthDataDir_winsOverTheFile_relativeToTheWorkingDirectory() {
        assertThat(server(Map.of("HEARTH_DATA_DIR", "/srv/hearth")).dataDir()).isEqualTo(Path.of("/srv/hearth"));
        assertThat(server(Map.of("HEARTH_DATA_DIR", "var")).dataDir()).isEqualTo(Path.of("var"));
    }

    @Test
    void hearthDatabase_winsOverTheFile() {
        assertThat(server(Map.of("HEARTH_DATABASE", "jdbc:postgresql://db/hearth")).database())
                .isEqualTo("jdbc:postgresql://db/hearth");
    }

    @Test
    void hearthMemoryBudget_winsOverTheFile_asSizeOrAuto() {
        assertThat(server(Map.of("HEARTH_MEMORY_BUDGET", "96GiB")).memoryBudget()).isEqualTo(96L << 30);
        assertThat(server(Map.of("HEARTH_MEMORY_BUDGET", "auto")).autoBudget()).isTrue();
    }

    @Test
    void hearthIdleUnload_winsOverTheFile() {
        assertThat(server(Map.of("HEARTH_IDLE_UNLOAD", "45s")).idleUnload()).isEqualTo(Duration.ofSeconds(45));
    }

    @Test
    void autoUnloadMinutes_setsIdleUnload_zeroMeaningNever() {
        assertThat(server(Map.of("AUTO_UNLOAD_MINUTES", "20")).idleUnload()).isEqualTo(Duration.ofMinutes(20));
        assertThat(server(Map.of("AUTO_UNLOAD_MINUTES", "0")).idleUnload()).isEqualTo(Duration.ZERO);
    }

    @Test
    void hearthIdleUnload_winsOverAutoUnloadMinutes_whenBothAreSet() {
        assertThat(server(Map.of("HEARTH_IDLE_UNLOAD", "2m", "AUTO_UNLOAD_MINUTES", "20")).idleUnload())
                .isEqualTo(Duration.ofMinutes(2));
    }

    @Test
    void hearthExclusive_winsOverTheFile() {
        assertThat(server(Map.of("HEARTH_EXCLUSIVE", "true")).exclusive()).isTrue();
    }

    @Test
    void hearthMaxQueue_winsOverTheFile() {
        assertThat(server(Map.of("HEARTH_MAX_QUEUE", "3")).maxQueue()).isEqualTo(3);
    }

    @Test
    void hearthApiKeys_setsTheKeysFile_andAllowsListeningOnEveryInterface() throws Exception {
        Path keys = Files.writeString(dir.resolve("keys"), "sk-1\n");
        ServerConfig server = server(Map.of("HEARTH_API_KEYS", keys.toString(), "HEARTH_LISTEN", "0.0.0.0:8009"));

        assertThat(server.apiKeysFile()).isEqualTo(keys);
        assertThat(server.host()).isEqualTo("0.0.0.0");
    }

    @Test
    void emptyVariables_countAsUnset() {
        assertThat(server(Map.of("HEARTH_MAX_QUEUE", "", "HEARTH_LISTEN", " "))).extracting("maxQueue", "port")
                .containsExactly(50, 7000);
    }

    @Test
    void modelDefaults_followTheEnvironment_notJustTheFile() {
        HearthConfig config = ConfigLoader.load(write(dir, "models: { m: { engine: testsrc } }"),
                Map.of("HEARTH_IDLE_UNLOAD", "3m", "HEARTH_MAX_QUEUE", "9"), dir);

        assertThat(config.models().get("m").idleUnload()).isEqualTo(Duration.ofMinutes(3));
        assertThat(config.models().get("m").maxQueue()).isEqualTo(9);
    }

    @Test
    void badVariables_areRefused_eachNamingItsVariable() {
        ConfigException e = refused(write(dir, FILE), Map.of(
                "HEARTH_LISTEN", "everywhere",
                "HEARTH_DATABASE", "mysql",
                "HEARTH_MEMORY_BUDGET", "lots",
                "HEARTH_IDLE_UNLOAD", "soon",
                "AUTO_UNLOAD_MINUTES", "1.5",
                "HEARTH_EXCLUSIVE", "maybe",
                "HEARTH_MAX_QUEUE", "-1",
                "HEARTH_API_KEYS", dir.resolve("missing-keys").toString()), dir);

        assertThat(e.problems()).containsExactlyInAnyOrder(
                "HEARTH_LISTEN (environment): expected host:port or :port like 127.0.0.1:8009, got \"everywhere\"",
                "HEARTH_DATABASE (environment): expected sqlite or a JDBC URL like jdbc:postgresql://host/db, got \"mysql\"",
                "HEARTH_MEMORY_BUDGET (environment): expected auto or a size like 100GiB, got \"lots\"",
                "HEARTH_IDLE_UNLOAD (environment): expected a duration like 30m, 15s, 2h, 7d or 500ms (a plain number is seconds), got \"soon\"",
                "AUTO_UNLOAD_MINUTES (environment): expected a whole number of minutes (0 = never), got \"1.5\"",
                "HEARTH_EXCLUSIVE (environment): expected true or false, got \"maybe\"",
                "HEARTH_MAX_QUEUE (environment): expected a whole number from 0 to 1000000, got \"-1\"",
                "HEARTH_API_KEYS (environment): file not found: " + dir.resolve("missing-keys")
                        + " (HEARTH_API_KEYS is the path of the keys file, not a key)");
        assertThat(e.getMessage()).startsWith("8 problems in the environment\n");
    }

    @Test
    void hearthListen_onEveryInterface_isRefusedWithoutKeys_namingTheVariable() {
        ConfigException e = refused(write(dir, FILE), Map.of("HEARTH_LISTEN", "0.0.0.0:8009"), dir);

        assertThat(e.getMessage()).isEqualTo("""
                1 problem in the environment
                HEARTH_LISTEN (environment): 0.0.0.0 is reachable from other machines, so Hearth needs API keys: \
                set server.api_keys_file (or HEARTH_API_KEYS) to a file with one key a line, or listen on 127.0.0.1""");
    }
}
