package dev.hearth.catalog;

import dev.hearth.config.Defaults;
import dev.hearth.config.Fields;
import dev.hearth.config.GgufEngine;
import dev.hearth.config.Gpus;
import dev.hearth.config.JobLimits;
import dev.hearth.config.JobSettings;
import dev.hearth.config.ServerConfig;
import dev.hearth.config.ServerSection;
import dev.hearth.config.Sharing;
import dev.hearth.config.Values;
import dev.hearth.config.YamlNode;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static java.util.Objects.requireNonNullElse;

/**
 * One entry under models:. Wrong values are recorded and replaced by defaults so the remaining
 * keys are still checked; the loader refuses the whole file afterwards if anything was recorded.
 */
final class ModelSection {
    static final List<String> COMMON_KEYS = List.of("task", "engine", "aliases", "memory", "idle_unload", "pinned",
            "max_concurrency", "max_queue", "queue_timeout", "start_timeout", "stop_grace", "defaults", "options", "port",
            "stall_timeout", "cancel_grace", "max_attempts", "seconds_per_unit", "prompt_enhancer", "limits",
            "connect_timeout", "first_byte_timeout", "chunk_timeout", "max_wait", "min_residency", "gpus", "sleep",
            "tool_parser");
    static final List<String> KEYS = Stream.concat(COMMON_KEYS.stream(),
            Stream.of("cmd", "args", "model", "env", "cwd", "health", "url", "path", "run_timeout", "input_format",
                    "output_format", "voices")).toList();

    private final String name;
    private final Map<String, YamlNode> m;
    private final YamlNode node;
    private final ServerConfig server;
    private final Path baseDir;
    private final Fields f;

    private ModelSection(String name, YamlNode node, ServerConfig server, Path baseDir, Fields f) {
        this.name = name;
        this.node = node;
        this.m = node.map();
        this.server = server;
        this.baseDir = baseDir;
        this.f = f;
    }

    /** The model, or null when its entry is not a mapping at all (recorded). */
    static ModelSpec read(String name, YamlNode node, ServerConfig server, Path baseDir, Fields f) {
        if (!Values.NAME_PATTERN.matcher(name).matches()) {
            f.problems.at(node, "models." + name, "a model name may use only letters, digits, '.', '_', ':' and '-',"
                    + " since it appears in URL paths like /v1/{model}/");
        }
        if (!node.isMap()) {
            f.problems.at(node, "models." + name,
                    Fields.expected("a mapping of model settings (task, engine, cmd, memory…)", node.describe()));
            return null;
        }
        f.knownKeys(node.map(), "models." + name, KEYS);
        return new ModelSection(name, node, server, baseDir, f).spec();
    }

    /** Present with a value: "memory:" left empty counts as absent. */
    private boolean given(String k) {
        return m.get(k) != null && !m.get(k).isNull();
    }

    private String key(String k) {
        return "models." + name + "." + k;
    }

    private ModelSpec spec() {
        String engineText = f.get(m.get("engine"), key("engine"), Values.TEXT);
        Presets.Preset preset = engineText == null ? null : Presets.find(engineText).orElse(null);
        EngineKind kind = engine(engineText, preset);
        String engineName = engineText != null ? engineText : kind != null ? kind.wire : "?";
        if (kind != null) engineKeys(kind, engineName);

        Task task = task(kind);
        String model = f.get(m.get("model"), key("model"), Values.TEXT);
        String cmd = command(kind, preset, engineName, model);
        String health = requireNonNullElse(f.get(m.get("health"), key("health"), Values.HEALTH),
                preset != null ? preset.health() : kind == EngineKind.LIGHTX2V ? Defaults.LIGHTX2V_HEALTH : Defaults.HEALTH);
        URI url = f.get(m.get("url"), key("url"), Values.URL);
        if (kind == EngineKind.REMOTE && !given("url")) {
            f.problems.at(node, key("url"), "required for engine remote: the base URL of the OpenAI-compatible "
                    + "server, like http://10.0.0.5:8000");
        }
        if (kind == EngineKind.LIGHTX2V && !given("url")) {
            f.problems.at(node, key("url"), "required for engine lightx2v: the root URL of the LightX2V server, "
                    + "like http://10.0.0.5:8000");
        }
        Path file = modelFile(kind);
        Path cwd = directory(m.get("cwd"), key("cwd"));
        long memory = memory(kind, engineName, file);

        Map<String, Object> options = new LinkedHashMap<>(f.plain(m.get("options"), key("options")));
        if (kind == EngineKind.LLAMACPP) llamacppOptions(options);
        if (kind == EngineKind.COMMAND) {
            CommandSettings command = CommandSection.read(name, node, task, cmd, f);
            if (command != null) options.put(CommandSettings.OPTION, command);
        }
        // The engine may want to know what it serves and which preset built its command line.
        if (model != null) options.putIfAbsent("model", model);
        if (preset != null) options.putIfAbsent("preset", preset.name());
        // (10) a model that may sleep: vLLM's preset gets its flag, and every such server the dev-mode
        // variable its /sleep and /wake_up need
        Map<String, String> env = f.strings(m.get("env"), key("env"));
        if (given("sleep")) {
            if (kind != EngineKind.PROCESS) {
                f.problems.at(m.get("sleep"), key("sleep"), "only a process engine's server can sleep (vLLM with"
                        + " --enable-sleep-mode, e.g. engine: vllm), not engine " + engineName);
            } else {
                if (preset != null && preset.name().equals("vllm") && cmd != null && !cmd.contains("--enable-sleep-mode")) {
                    cmd = cmd + " --enable-sleep-mode";
                }
                env = new LinkedHashMap<>(env);
                env.putIfAbsent("VLLM_SERVER_DEV_MODE", "1");
            }
        }
        cmd = toolParser(preset, engineName, cmd);
        // A .gguf given alone runs on llama.cpp's llama-server when Hearth found one (server.gguf_engine);
        // the entry is checked as the llamacpp entry it is, so whether it is valid never depends on the machine.
        if (kind == EngineKind.LLAMACPP && engineText == null && server.ggufServer() != null && file != null) {
            kind = EngineKind.PROCESS;
            cmd = Presets.llamaServer(server.ggufServer(), file, name, task, options);
            options.put("preset", GgufEngine.LLAMA_SERVER);
            if (!given("health")) health = Presets.find(GgufEngine.LLAMA_SERVER).orElseThrow().health();
        }

        // (after the command is final: a preset's with args:, the sleep flag, llama-server for a .gguf)
        Integer given = f.get(m.get("max_concurrency"), key("max_concurrency"), Values.integer(1, EngineConcurrency.MAX));
        EngineConcurrency.Limit concurrency = given != null ? new EngineConcurrency.Limit(given, EngineConcurrency.CONFIG)
                : EngineConcurrency.of(kind, cmd, env);

        return new ModelSpec(name, task, kind,
                f.names(m.get("aliases"), key("aliases")), cmd, env, cwd, health,
                url, file, memory,
                requireNonNullElse(f.get(m.get("idle_unload"), key("idle_unload"), Values.DURATION), server.idleUnload()),
                requireNonNullElse(f.get(m.get("pinned"), key("pinned"), Values.BOOL), false),
                concurrency.value(),
                requireNonNullElse(f.get(m.get("max_queue"), key("max_queue"), Values.integer(0, 1_000_000)),
                        server.maxQueue()),
                duration("queue_timeout", Values.DURATION, server.queueTimeout()),
                duration("start_timeout", Values.POSITIVE_DURATION, Defaults.START_TIMEOUT),
                duration("stop_grace", Values.DURATION, Defaults.STOP_GRACE),
                f.plain(m.get("defaults"), key("defaults")),
                f.get(m.get("port"), key("port"), Values.integer(1, 65_535)),
                options,
                new JobSettings(
                        duration("stall_timeout", Values.POSITIVE_DURATION, JobSettings.DEFAULTS.stallTimeout()),
                        duration("cancel_grace", Values.POSITIVE_DURATION, JobSettings.DEFAULTS.cancelGrace()),
                        requireNonNullElse(f.get(m.get("max_attempts"), key("max_attempts"), Values.integer(1, 100)),
                                JobSettings.DEFAULTS.maxAttempts()),
                        secondsPerUnit(kind),
                        f.get(m.get("prompt_enhancer"), key("prompt_enhancer"), Values.TEXT),
                        limits()),
                ServerSection.proxyTimeouts(m, "models." + name, server.proxyTimeouts(), f),
                sharing(kind != null && kind.runsJobs()), concurrency.source());
    }

    /** Rule 7's max_wait and min_residency, each defaulting to the task's, and rule 9's gpus. */
    private Sharing sharing(boolean runsJobs) {
        Sharing d = runsJobs ? Sharing.JOBS : Sharing.REQUESTS;
        return new Sharing(duration("max_wait", Values.DURATION, d.maxWait()),
                duration("min_residency", Values.DURATION, d.minResidency()), gpus(), sleep());
    }

    /** Rule 10's sleep level, 0 when absent. */
    private int sleep() {
        Integer level = f.get(m.get("sleep"), key("sleep"), SLEEP_LEVEL);
        return level == null ? 0 : level;
    }

    private static final Values.Kind<Integer> SLEEP_LEVEL = new Values.Kind<>(
            "1 (weights kept in CPU memory) or 2 (weights dropped)", Values.integer(1, 2).parse());

    private static final String GPUS_EXPECTED = "a number of GPUs like 2, or a list of GPU indexes like [0, 1]";

    /**
     * {@code gpus: 2} or {@code gpus: [0, 1]}; without it, a {@code CUDA_VISIBLE_DEVICES} of
     * indexes in the entry's env pins the model there, as it did its container.
     */
    private Gpus gpus() {
        YamlNode n = m.get("gpus");
        if (n == null || n.isNull()) {
            YamlNode env = m.get("env");
            YamlNode visible = env != null && env.isMap() ? env.map().get("CUDA_VISIBLE_DEVICES") : null;
            if (visible != null && visible.isScalar() && visible.text().strip().matches("\\d+(\\s*,\\s*\\d+)*")) {
                return new Gpus(Arrays.stream(visible.text().split(",")).map(x -> Integer.parseInt(x.strip()))
                        .distinct().toList(), 0);
            }
            return Gpus.ANY_ONE;
        }
        if (n.isScalar()) {
            Integer count = f.get(n, key("gpus"), new Values.Kind<>(GPUS_EXPECTED, Values.integer(1, 64).parse()));
            return count == null ? Gpus.ANY_ONE : new Gpus(List.of(), count);
        }
        List<Integer> pinned = new ArrayList<>();
        for (YamlNode item : n.isList() ? n.list() : List.<YamlNode>of()) {
            Integer index = item.isScalar() ? Values.integer(0, 63).parse().apply(item.text()) : null;
            if (index == null || pinned.contains(index)) {
                f.problems.at(item, key("gpus"), Fields.expected("a list of distinct GPU indexes like [0, 1]",
                        item.describe()));
                return Gpus.ANY_ONE;
            }
            pinned.add(index);
        }
        if (pinned.isEmpty()) {
            f.problems.at(n, key("gpus"), Fields.expected(GPUS_EXPECTED, n.isList() ? "an empty list" : n.describe()));
            return Gpus.ANY_ONE;
        }
        return new Gpus(pinned, 0);
    }

    /** llamacpp's options that are numbers of something must be whole and positive. */
    private void llamacppOptions(Map<String, Object> options) {
        YamlNode given = m.get("options");
        for (String k : Presets.LLAMACPP_OPTIONS.keySet()) {
            Object v = options.get(k);
            if (v != null && !(v instanceof Number n && n.doubleValue() == n.intValue() && n.intValue() > 0)) {
                f.problems.at(given.map().get(k), key("options." + k), Fields.expected("a whole number greater than 0",
                        given.map().get(k).describe()));
                options.remove(k);
            }
        }
    }

    /** {@code limits:} as the worker's {@code --describe} prints them; a wrong key or value is refused with the file. */
    private JobLimits limits() {
        YamlNode node = m.get("limits");
        if (node == null) return JobLimits.NONE;
        try {
            return JobLimits.of(f.plain(node, key("limits")), true);
        } catch (IllegalArgumentException e) {
            f.problems.at(node, key("limits"), e.getMessage());
            return JobLimits.NONE;
        }
    }

    /** Only testsrc's speed is known in advance; a real model's ETA waits for a prior or a finished job. */
    private Double secondsPerUnit(EngineKind kind) {
        Double given = f.get(m.get("seconds_per_unit"), key("seconds_per_unit"), Values.POSITIVE_NUMBER);
        if (given == null && kind == EngineKind.TESTSRC) return Defaults.TESTSRC_SECONDS_PER_UNIT;
        return given;
    }

    private Duration duration(String k, Values.Kind<Duration> kind, Duration fallback) {
        return requireNonNullElse(f.get(m.get(k), key(k), kind), fallback);
    }

    /** The engine kind; without engine: a url means remote and a path means llamacpp. */
    private EngineKind engine(String engineText, Presets.Preset preset) {
        if (preset != null) return preset.engine();
        if (engineText != null) {
            EngineKind kind = EngineKind.of(engineText);
            if (kind == null) {
                List<String> choices = new ArrayList<>(EngineKind.wires());
                choices.addAll(Presets.names());
                f.problems.at(m.get("engine"), key("engine"), Fields.oneOf(engineText, choices));
            }
            return kind;
        }
        if (given("url")) return EngineKind.REMOTE;
        if (given("path")) return EngineKind.LLAMACPP;
        f.problems.at(node, key("engine"), "required: one of " + Fields.list(EngineKind.wires(), "or")
                + " (or a preset: " + Fields.list(Presets.names(), "or") + ")");
        return null;
    }

    private void engineKeys(EngineKind kind, String engineName) {
        m.forEach((k, v) -> {
            if (EngineKind.SPECIFIC_KEYS.contains(k) && !kind.keys.contains(k)) {
                String instead = kind.insteadOf(k);
                f.problems.at(v, key(k), "not used by engine " + engineName + (instead != null
                        ? "; engine " + kind.wire + " reads the file from `" + instead + "`: write " + instead + ": "
                                + (v.isScalar() ? v.text() : "<file>") + " instead"
                        : "; it applies to " + EngineKind.readersOf(k)));
            }
        });
    }

    private Task task(EngineKind kind) {
        YamlNode t = m.get("task");
        String given = f.get(t, key("task"), Values.TEXT);
        String text = "audio".equals(given) ? Task.TRANSCRIPTION.wire() : given; // the task's first name
        Task task = text == null ? null : Arrays.stream(Task.values()).filter(x -> x.wire().equals(text)).findFirst()
                .orElse(null);
        if (text != null && task == null) {
            f.problems.at(t, key("task"), Fields.oneOf(text, Arrays.stream(Task.values()).map(Task::wire).toList()));
        }
        if (task == null) return kind == null ? Task.CHAT : ModelDefaults.task(kind);
        if (kind != null && !kind.tasks.contains(task)) {
            f.problems.at(t, key("task"), "engine " + kind.wire + " serves "
                    + Fields.list(kind.tasks.stream().map(Task::wire).toList(), "or") + ", not " + task.wire());
        }
        return task;
    }

    /**
     * tool_parser: the flags with which vLLM (--enable-auto-tool-choice --tool-call-parser) or SGLang
     * (--tool-call-parser) turn a model's tool-call text into the {@code tool_calls} clients expect.
     */
    private String toolParser(Presets.Preset preset, String engineName, String cmd) {
        if (!given("tool_parser")) return cmd;
        String parser = f.get(m.get("tool_parser"), key("tool_parser"), Values.TEXT);
        String flags = preset == null ? null : switch (preset.name()) {
            case "vllm" -> "--enable-auto-tool-choice --tool-call-parser ";
            case "sglang" -> "--tool-call-parser ";
            default -> null;
        };
        if (flags == null) {
            f.problems.at(m.get("tool_parser"), key("tool_parser"), "only engine vllm or sglang takes a tool call"
                    + " parser, not engine " + engineName + " (for llama-server its --jinja is enough)");
            return cmd;
        }
        if (parser == null || !TOOL_PARSER.matcher(parser).matches()) {
            f.problems.at(m.get("tool_parser"), key("tool_parser"), "expected the name of a tool call parser of "
                    + engineName + ", like hermes, llama3_json or qwen3_coder");
            return cmd;
        }
        return cmd == null || cmd.contains("--tool-call-parser") ? cmd : cmd + " " + flags + parser;
    }

    private static final java.util.regex.Pattern TOOL_PARSER = java.util.regex.Pattern.compile("[A-Za-z0-9_.-]+");

    /** cmd, else the preset's; args appended; ${MODEL} and ${NAME} filled in; ${PORT} left for the engine. */
    private String command(EngineKind kind, Presets.Preset preset, String engineName, String model) {
        YamlNode cmdNode = m.get("cmd");
        String cmd = f.get(cmdNode, key("cmd"), Values.TEXT);
        boolean fromPreset = preset != null && !given("cmd");
        if (fromPreset) cmd = preset.cmd();
        if (cmd == null) {
            if (!given("cmd") && (kind == EngineKind.PROCESS || kind == EngineKind.WORKER || kind == EngineKind.COMMAND)) {
                f.problems.at(node, key("cmd"), "required for engine " + engineName + ": " + switch (kind) {
                    case PROCESS -> "the command that starts an OpenAI-compatible server, with ${PORT} where it takes its port";
                    case COMMAND -> "the command run for each request, with ${INPUT} where it reads the request's input";
                    default -> "the command that starts the job worker (it speaks JSON lines on stdin and stdout)";
                });
            }
            return null;
        }
        cmd = cmd.strip();
        String args = f.get(m.get("args"), key("args"), Values.TEXT);
        if (args != null) cmd = cmd + " " + args.strip();
        if (kind == EngineKind.PROCESS && !cmd.contains("${PORT}")) {
            f.problems.at(cmdNode, key("cmd"), "must contain ${PORT}: Hearth picks a free port for each start "
                    + "and the server must listen on it");
        }
        if (cmd.contains("${MODEL}")) {
            if (model != null) {
                cmd = cmd.replace("${MODEL}", model);
            } else if (!given("model")) {
                f.problems.at(fromPreset ? node : cmdNode, fromPreset ? key("model") : key("cmd"), fromPreset
                        ? "required by engine " + engineName + ": " + preset.modelHint()
                        : "uses ${MODEL} but " + key("model") + " is not set");
            }
        }
        return cmd.replace("${NAME}", name);
    }

    /** llamacpp's .gguf; it must exist now, not when the first request loads it. */
    private Path modelFile(EngineKind kind) {
        YamlNode p = m.get("path");
        String text = f.get(p, key("path"), Values.TEXT);
        if (text == null) {
            if (kind == EngineKind.LLAMACPP && !given("path")) {
                f.problems.at(node, key("path"), "required for engine llamacpp: the .gguf model file");
            }
            return null;
        }
        Path file = Fields.resolve(text, baseDir);
        if (kind == EngineKind.LLAMACPP && !Files.isRegularFile(file)) {
            f.problems.at(p, key("path"), "file not found: " + file
                    + " (relative paths are read from the config file's directory)");
        }
        return file;
    }

    private Path directory(YamlNode n, String k) {
        String text = f.get(n, k, Values.TEXT);
        if (text == null) return null;
        Path dir = Fields.resolve(text, baseDir);
        if (!Files.isDirectory(dir)) f.problems.at(n, k, "directory not found: " + dir);
        return dir;
    }

    private long memory(EngineKind kind, String engineName, Path file) {
        YamlNode n = m.get("memory");
        Long bytes = f.get(n, key("memory"), Values.SIZE);
        if (bytes != null) return bytes;
        if (given("memory") || kind == null) return 0;   // wrong (recorded) or no engine to default from
        Long fallback = ModelDefaults.memory(kind);
        if (fallback != null) return fallback;
        if (kind == EngineKind.LLAMACPP) {
            try {
                return file == null ? 0 : Defaults.llamacppMemory(Files.size(file));
            } catch (IOException e) {
                return 0;   // the missing file is already recorded
            }
        }
        return ModelSpec.UNDECLARED; // measured at its first load, which takes the budget that is free (rule 8)
    }
}
