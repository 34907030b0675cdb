package dev.hearth.config;

import dev.hearth.catalog.ConfigFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static dev.hearth.catalog.ConfigFiles.load;
import static dev.hearth.catalog.ConfigFiles.refused;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The API keys file: names and roles, and every way it can be unusable refused at start. */
class KeysFileTest {
    @TempDir
    Path dir;

    private String file() {
        return dir.resolve("hearth.yaml").toString();
    }

    private Path keys(String text) throws Exception {
        return Files.writeString(dir.resolve("keys"), text);
    }

    @Test
    void keysFile_readsBareKeysAsAdmins_andNamedKeysWithTheirRole() throws Exception {
        Path keys = keys("""
                # team keys
                sk-admin-000001
                sk-alice-000001  name=alice role=user   # Alice's laptop
                sk-ops-00000001  name=ops   role=ADMIN

                """);

        var entries = KeysFile.read(keys);

        assertThat(entries).extracting(KeysFile.Entry::key, KeysFile.Entry::role, KeysFile.Entry::line).containsExactly(
                org.assertj.core.groups.Tuple.tuple("sk-admin-000001", "admin", 2),
                org.assertj.core.groups.Tuple.tuple("sk-alice-000001", "user", 3),
                org.assertj.core.groups.Tuple.tuple("sk-ops-00000001", "admin", 4));
        assertThat(entries.get(0).name()).matches("key-[0-9a-f]{8}").isEqualTo(KeysFile.defaultName("sk-admin-000001"));
        assertThat(entries.get(1).name()).isEqualTo("alice");
    }

    @Test
    void emptyKeysFile_isAStartError_whenListeningOnLoopback() throws Exception {
        Path keys = keys("# nobody yet\n\n   \n");

        ConfigException e = refused(dir, "server:\n  listen: 127.0.0.1:8009\n  api_keys_file: keys\n");

        assertThat(e.problems()).singleElement().asString()
                .startsWith(file() + ":3: server.api_keys_file: " + keys + ": holds no API key")
                .contains("\"<key> name=alice role=user\"");
    }

    @Test
    void emptyKeysFile_refusesToStart_whenListeningOnEveryInterface() throws Exception {
        Path keys = keys("");

        ConfigException e = refused(dir, "server:\n  listen: 0.0.0.0:8009\n  api_keys_file: keys\n");
        ConfigException env = refused(ConfigFiles.write(dir, ""), Map.of("HEARTH_LISTEN", "0.0.0.0:8009",
                "HEARTH_API_KEYS", keys.toString()), dir);

        assertThat(e.getMessage()).contains(file() + ":3: server.api_keys_file: " + keys + ": holds no API key");
        assertThat(env.problems()).singleElement().asString()
                .startsWith("HEARTH_API_KEYS (environment): " + keys + ": holds no API key");
    }

    @Test
    void malformedKeysLine_isAStartError_namingTheFileAndLine() throws Exception {
        Path keys = keys("sk-good-0000001\nsk-bad-00000001 nmae=bob\n");

        ConfigException e = refused(dir, "server:\n  api_keys_file: keys\n");

        assertThat(e.problems()).containsExactly(file() + ":2: server.api_keys_file: " + keys
                + ":2: expected name=<name> or role=admin|user after the key, got \"nmae=bob\"");
        keys("sk-x-0000000001 role=owner\n");
        assertThat(refused(dir, "server:\n  api_keys_file: keys\n").getMessage())
                .contains(keys + ":1: role: expected admin or user, got \"owner\"");
        keys("name=alice sk-x-0000000001\n");
        assertThat(refused(dir, "server:\n  api_keys_file: keys\n").getMessage())
                .contains(keys + ":1: expected the key first");
        keys("sk-x-0000000001 name=al/ice\n");
        assertThat(refused(dir, "server:\n  api_keys_file: keys\n").getMessage()).contains(keys + ":1: name: expected");
    }

    @Test
    void duplicateKeyOrName_isAStartError_namingBothLines() throws Exception {
        Path keys = keys("sk-one-00000001 name=alice\nsk-one-00000001 name=bob\n");
        assertThatThrownBy(() -> KeysFile.read(keys)).hasMessage(keys + ":2: the same key as line 1 (each key once)");

        keys("sk-one-00000001 name=alice\n# bob\nsk-two-00000001 name=alice role=user\n");
        assertThat(refused(dir, "server:\n  api_keys_file: keys\n").problems()).singleElement().asString()
                .endsWith(keys + ":3: name=alice is already used on line 1 (names must be unique: jobs belong to a name)");
    }

    @Test
    void maxUserPriority_defaultsToZero_andABadValueNamesTheKey() throws Exception {
        assertThat(load(dir, "").server().maxUserPriority()).isZero();
        assertThat(load(dir, "server:\n  max_user_priority: 5\n").server().maxUserPriority()).isEqualTo(5);
        assertThat(refused(dir, "server:\n  max_user_priority: high\n").problems()).containsExactly(file()
                + ":2: server.max_user_priority: expected a whole number from -1000000 to 1000000, got \"high\"");
    }
}
