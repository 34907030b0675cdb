package dev.hearth.catalog;

import dev.hearth.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static dev.hearth.catalog.ConfigFiles.refused;
import static org.assertj.core.api.Assertions.assertThat;

/** Every refusal, asserted to the character: file, line, key and what was expected. */
class ConfigLoaderValidationTest {
    @TempDir
    Path dir;

    private String file() {
        return dir.resolve("hearth.yaml").toString();
    }

    @Test
    void load_namesFileLineModelAndKey_whenASizeIsWrong() {
        ConfigException e = refused(dir, """
                models:
                  qwen:
                    engine: process
                    cmd: vllm serve Qwen --port ${PORT}
                    memory: lots
                """);

        assertThat(e.getMessage()).isEqualTo("1 problem in " + file() + "\n"
                + file() + ":5: models.qwen.memory: expected a size like 40GiB or 512MiB, got \"lots\"");
    }

    @Test
    void load_reportsEveryProblem_inFileOrder_underOneSummary() {
        ConfigException e = refused(dir, """
                server:
                  max_queue: many
                models:
                  a:
                    engine: testsrc
                    idle_unload: soon
                    pinned: maybe
                    max_concurrency: 0
                    start_timeout: 0
                    port: 99999
                """);

        assertThat(e.getMessage()).isEqualTo(String.join("\n",
                "6 problems in " + file(),
                file() + ":2: server.max_queue: expected a whole number from 0 to 1000000, got \"many\"",
                file() + ":6: models.a.idle_unload: expected a duration like 30m, 15s, 2h, 7d or 500ms"
                        + " (a plain number is seconds), got \"soon\"",
                file() + ":7: models.a.pinned: expected true or false, got \"maybe\"",
                file() + ":8: models.a.max_concurrency: expected a whole number from 1 to 1024, got \"0\"",
                file() + ":9: models.a.start_timeout: expected a duration greater than 0 like 10m or 90s, got \"0\"",
                file() + ":10: models.a.port: expected a whole number from 1 to 65535, got \"99999\""));
    }

    @Test
    void load_suggestsTheNearestKey_whenAKeyIsMisspelt() {
        ConfigException e = refused(dir, """
                server:
                  idle_unlod: 10m
                modles: {}
                models:
                  a:
                    engine: testsrc
                    memroy: 1GiB
                    colour: blue
                """);

        assertThat(e.problems()).containsExactly(
                file() + ":2: server.idle_unlod: unknown key; did you mean idle_unload?",
                file() + ":3: modles: unknown key; did you mean models?",
                file() + ":7: models.a.memroy: unknown key; did you mean memory?",
                file() + ":8: models.a.colour: unknown key; expected one of task, engine, aliases, memory, idle_unload,"
                        + " pinned, max_concurrency, max_queue, queue_timeout, start_timeout, stop_grace, defaults,"
                        + " options, port, stall_timeout, cancel_grace, max_attempts, seconds_per_unit, prompt_enhancer,"
                        + " limits, connect_timeout, first_byte_timeout, chunk_timeout, max_wait, min_residency, gpus, sleep, tool_parser, cmd, args, model, env, cwd, health, url, path, run_timeout, input_format, output_format or voices");
    }

    @Test
    void load_listsTheKnownEngines_whenTheEngineIsUnknown() {
        ConfigException e = refused(dir, """
                models:
                  a:
                    engine: vlm
                  b:
                    engine: docker
                  c:
                    task: chat
                """);

        assertThat(e.problems()).containsExactly(
                file() + ":3: models.a.engine: expected one of process, llamacpp, onnx-embeddings, remote, worker,"
                        + " testsrc, lightx2v, command, vllm, llama-server or sglang, got \"vlm\" (did you mean vllm?)",
                file() + ":5: models.b.engine: expected one of process, llamacpp, onnx-embeddings, remote, worker,"
                        + " testsrc, lightx2v, command, vllm, llama-server or sglang, got \"docker\"",
                file() + ":6: models.c.engine: required: one of process, llamacpp, onnx-embeddings, remote, worker,"
                        + " testsrc, lightx2v or command (or a preset: vllm, llama-server or sglang)");
    }

    @Test
    void load_listsTheKnownTasks_whenTheTaskIsUnknown_orTheEngineCannotServeIt() {
        ConfigException e = refused(dir, """
                models:
                  a: { engine: testsrc, task: chatt }
                  b: { engine: onnx-embeddings, task: chat }
                  c: { engine: worker, task: chat, cmd: w, memory: 1GiB }
                """);

        assertThat(e.problems()).containsExactly(
                file() + ":2: models.a.task: expected one of chat, completion, embeddings, video, transcription, speech"
                        + " or ocr, got \"chatt\" (did you mean chat?)",
                file() + ":3: models.b.task: engine onnx-embeddings serves embeddings, not chat",
                file() + ":4: models.c.task: engine worker serves video or transcription, not chat");
    }

    @Test
    void load_requiresCmdWithPort_forProcess_andCmd_forWorker() {
        ConfigException e = refused(dir, """
                models:
                  a:
                    engine: process
                    memory: 1GiB
                  b:
                    engine: process
                    cmd: vllm serve x --port 8000
                    memory: 1GiB
                  c:
                    engine: worker
                    memory: 1GiB
                """);

        assertThat(e.problems()).containsExactly(
                file() + ":2: models.a.cmd: required for engine process: the command that starts an"
                        + " OpenAI-compatible server, with ${PORT} where it takes its port",
                file() + ":7: models.b.cmd: must contain ${PORT}: Hearth picks a free port for each start"
                        + " and the server must listen on it",
                file() + ":9: models.c.cmd: required for engine worker: the command that starts the job worker"
                        + " (it speaks JSON lines on stdin and stdout)");
    }

    @Test
    void processAndVllmWithoutMemory_areLoaded_andMeasured() {
        HearthConfig config = ConfigFiles.load(dir, """
                models:
                  a:
                    engine: process
                    cmd: srv --port ${PORT}
                  b:
                    engine: vllm
                    model: Qwen/Qwen2.5-7B-Instruct
                """);

        // rule 8: the first load takes the budget that is free, then the measured footprint counts
        assertThat(config.models().get("a").memoryBytes()).isEqualTo(ModelSpec.UNDECLARED);
        assertThat(config.models().get("b").memoryBytes()).isEqualTo(ModelSpec.UNDECLARED);
    }

    @Test
    void load_requiresUrl_forRemote_andLightx2v_andAnHttpUrl() {
        ConfigException e = refused(dir, """
                models:
                  a:
                    engine: remote
                  b:
                    engine: remote
                    url: ftp://host/x
                  c:
                    engine: lightx2v
                    cmd: python -m lightx2v.server.main
                """);

        assertThat(e.problems()).containsExactly(
                file() + ":2: models.a.url: required for engine remote: the base URL of the OpenAI-compatible"
                        + " server, like http://10.0.0.5:8000",
                file() + ":6: models.b.url: expected an http:// or https:// URL like http://10.0.0.5:8000,"
                        + " got \"ftp://host/x\"",
                file() + ":7: models.c.url: required for engine lightx2v: the root URL of the LightX2V server,"
                        + " like http://10.0.0.5:8000",
                file() + ":9: models.c.cmd: not used by engine lightx2v; it applies to process, worker and command");
    }

    @Test
    void load_requiresAnExistingPath_forLlamacpp() {
        ConfigException e = refused(dir, """
                models:
                  a:
                    engine: llamacpp
                  b:
                    engine: llamacpp
                    path: models/missing.gguf
                """);

        assertThat(e.problems()).containsExactly(
                file() + ":2: models.a.path: required for engine llamacpp: the .gguf model file",
                file() + ":6: models.b.path: file not found: " + dir.resolve("models/missing.gguf")
                        + " (relative paths are read from the config file's directory)");
    }

    @Test
    void load_refusesKeys_thatTheEngineDoesNotRead() {
        ConfigException e = refused(dir, """
                models:
                  a:
                    engine: testsrc
                    url: http://x:1
                    cmd: run
                """);

        assertThat(e.problems()).containsExactly(
                file() + ":4: models.a.url: not used by engine testsrc; it applies to remote and lightx2v",
                file() + ":5: models.a.cmd: not used by engine testsrc; it applies to process, worker and command");
    }

    @Test
    void modelKeyUnderLlamacpp_isRefused_withTheKeyItMeant_path() {
        Path gguf = ConfigFiles.copyStories(dir, "tiny.gguf");
        ConfigException e = refused(dir, """
                models:
                  tiny:
                    engine: llamacpp
                    model: %s
                    path: %s
                """.formatted(gguf, gguf));

        assertThat(e.problems()).containsExactly(file() + ":4: models.tiny.model: not used by engine llamacpp;"
                + " engine llamacpp reads the file from `path`: write path: " + gguf + " instead");
    }

    @Test
    void load_refusesModelNames_thatAreNotUrlPathSafe() {
        ConfigException e = refused(dir, """
                models:
                  Qwen/Qwen2.5-7B:
                    engine: testsrc
                  "two words":
                    engine: testsrc
                """);

        String why = ": a model name may use only letters, digits, '.', '_', ':' and '-', since it appears in URL"
                + " paths like /v1/{model}/";
        assertThat(e.problems()).containsExactly(
                file() + ":2: models.Qwen/Qwen2.5-7B" + why,
                file() + ":4: models.two words" + why);
    }

    @Test
    void load_refusesAliases_thatNameTwoModels() {
        ConfigException e = refused(dir, """
                models:
                  a:
                    engine: testsrc
                    aliases: [shared, b]
                  b:
                    engine: testsrc
                    aliases: shared
                  c:
                    engine: testsrc
                    aliases: ["bad/alias"]
                """);

        assertThat(e.problems()).containsExactly(
                file() + ":4: models.a.aliases: \"b\" is the name of another model (line 5)",
                file() + ":7: models.b.aliases: \"shared\" is already an alias of model a (line 2)",
                file() + ":10: models.c.aliases: expected a name of letters, digits, '.', '_', ':' or '-'"
                        + " (it is used in URL paths), got \"bad/alias\"");
    }

    @Test
    void load_refusesPortCollisions_withHearthAndBetweenModels() {
        ConfigException e = refused(dir, """
                server:
                  listen: :8009
                models:
                  a: { engine: testsrc, port: 8002 }
                  b: { engine: testsrc, port: 8002 }
                  c: { engine: testsrc, port: 8009 }
                """);

        assertThat(e.problems()).containsExactly(
                file() + ":5: models.b.port: port 8002 is already used by model a (line 4)",
                file() + ":6: models.c.port: port 8009 is the port Hearth listens on (server.listen)");
    }

    @Test
    void load_refusesListeningOnEveryInterface_withoutApiKeys() {
        ConfigException e = refused(dir, """
                server:
                  listen: 0.0.0.0:8009
                """);

        assertThat(e.getMessage()).isEqualTo("1 problem in " + file() + "\n" + file()
                + ":2: server.listen: 0.0.0.0 is reachable from other machines, so Hearth needs API keys: set"
                + " server.api_keys_file (or HEARTH_API_KEYS) to a file with one key a line, or listen on 127.0.0.1");
    }

    @Test
    void load_refusesAMissingKeysFile_ratherThanRunningWithoutAuth() {
        ConfigException e = refused(dir, """
                server:
                  listen: 192.168.1.10:8009
                  api_keys_file: ./keys
                """);

        assertThat(e.problems()).containsExactly(file() + ":3: server.api_keys_file: file not found: "
                + dir.resolve("keys") + " (a file with one API key a line; relative paths are read from the config"
                + " file's directory)");
    }

    @Test
    void load_refusesWrongShapes_namingWhatWasExpected() {
        ConfigException e = refused(dir, """
                server: [1, 2]
                models:
                  a: just text
                  b:
                    engine: worker
                    cmd: { run: x }
                    memory: 1GiB
                    env: [A, B]
                    defaults: { size: }
                    database: sqlite
                """);

        assertThat(e.problems()).containsExactly(
                file() + ":1: server: expected a mapping of server settings (listen, data_dir, memory_budget…),"
                        + " got a list",
                file() + ":3: models.a: expected a mapping of model settings (task, engine, cmd, memory…),"
                        + " got \"just text\"",
                file() + ":6: models.b.cmd: expected text, got a mapping",
                file() + ":8: models.b.env: expected a mapping of NAME: value, got a list",
                file() + ":9: models.b.defaults.size: expected a value, got nothing",
                file() + ":10: models.b.database: unknown key; expected one of task, engine, aliases, memory,"
                        + " idle_unload, pinned, max_concurrency, max_queue, queue_timeout, start_timeout, stop_grace,"
                        + " defaults, options, port, stall_timeout, cancel_grace, max_attempts, seconds_per_unit,"
                        + " prompt_enhancer, limits, connect_timeout, first_byte_timeout, chunk_timeout, max_wait, min_residency, gpus, sleep, tool_parser, cmd, args, model, env,"
                        + " cwd, health, url, path, run_timeout, input_format, output_format or voices");
    }

    @Test
    void load_requiresModel_whenAPresetOrCmdUsesIt() {
        ConfigException e = refused(dir, """
                models:
                  a:
                    engine: vllm
                    memory: 1GiB
                  b:
                    engine: process
                    cmd: srv ${MODEL} --port ${PORT}
                    memory: 1GiB
                """);

        assertThat(e.problems()).containsExactly(
                file() + ":2: models.a.model: required by engine vllm: the Hugging Face id or local directory"
                        + " vLLM serves, like Qwen/Qwen2.5-7B-Instruct",
                file() + ":7: models.b.cmd: uses ${MODEL} but models.b.model is not set");
    }

    @Test
    void load_reportsYamlSyntaxErrors_withTheirLine() {
        ConfigException e = refused(dir, """
                server:
                  listen: :8009
                models:
                  a:
                    engine: testsrc
                   task: video
                """);

        assertThat(e.getMessage()).isEqualTo("1 problem in " + file() + "\n" + file()
                + ":6: not valid YAML: expected <block end>, but found '<block mapping start>'"
                + " (while parsing a block mapping at line 4)");
    }

    @Test
    void load_reportsDuplicateKeys_andASecondDocument() {
        ConfigException e = refused(dir, """
                models:
                  a: { engine: testsrc }
                  a: { engine: testsrc }
                ---
                server: {}
                """);

        assertThat(e.problems()).containsExactly(
                file() + ":3: models.a: duplicate key (first at line 2)",
                file() + ":5: a second YAML document; hearth.yaml holds one (remove the extra ---)");
    }

    @Test
    void load_refusesAMissingFile_namingIt() {
        Path missing = dir.resolve("nope.yaml");
        ConfigException e = refused(missing, Map.of(), dir);

        assertThat(e.getMessage()).isEqualTo("1 problem in " + missing + "\n" + missing + ": file not found");
    }

    @Test
    void load_summarisesFileAndEnvironmentProblems_together() throws Exception {
        ConfigException e = refused(ConfigFiles.write(dir, "server: { max_queue: x }\n"),
                Map.of("HEARTH_EXCLUSIVE", "perhaps"), dir);

        assertThat(e.getMessage()).isEqualTo(String.join("\n",
                "2 problems in " + file() + " and the environment",
                file() + ":1: server.max_queue: expected a whole number from 0 to 1000000, got \"x\"",
                "HEARTH_EXCLUSIVE (environment): expected true or false, got \"perhaps\""));
        assertThat(Files.exists(dir.resolve("hearth.yaml"))).isTrue();
    }

    @Test
    void load_refusesEveryBadServerValue_namingItsKey() {
        ConfigException e = refused(dir, """
                server:
                  listen: everywhere
                  data_dir: [a]
                  database: mysql
                  memory_budget: 0
                  idle_unload: forever
                  exclusive: sometimes
                  queue_timeout: -1
                  job_timeout: 1w
                  retention: 7 days
                """);

        String duration = "expected a duration like 30m, 15s, 2h, 7d or 500ms (a plain number is seconds), got ";
        assertThat(e.problems()).containsExactly(
                file() + ":2: server.listen: expected host:port or :port like 127.0.0.1:8009, got \"everywhere\"",
                file() + ":3: server.data_dir: expected text, got a list",
                file() + ":4: server.database: expected sqlite or a JDBC URL like jdbc:postgresql://host/db,"
                        + " got \"mysql\"",
                file() + ":5: server.memory_budget: expected auto or a size like 100GiB, got \"0\"",
                file() + ":6: server.idle_unload: " + duration + "\"forever\"",
                file() + ":7: server.exclusive: expected true or false, got \"sometimes\"",
                file() + ":8: server.queue_timeout: " + duration + "\"-1\"",
                file() + ":9: server.job_timeout: " + duration + "\"1w\"",
                file() + ":10: server.retention: " + duration + "\"7 days\"");
    }

    @Test
    void load_refusesBadHealthCwdAndEnv_forAProcess() {
        ConfigException e = refused(dir, """
                models:
                  a:
                    engine: process
                    cmd: srv --port ${PORT}
                    memory: 1GiB
                    health: health
                    cwd: nowhere
                    env:
                      EMPTY:
                      OK: ""
                """);

        assertThat(e.problems()).containsExactly(
                file() + ":6: models.a.health: expected a URL path starting with / like /health, got \"health\"",
                file() + ":7: models.a.cwd: directory not found: " + dir.resolve("nowhere"),
                file() + ":9: models.a.env.EMPTY: expected text (\"\" for empty), got nothing");
    }
}
