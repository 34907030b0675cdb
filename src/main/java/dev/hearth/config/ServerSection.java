package dev.hearth.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static java.util.Objects.requireNonNullElse;

/** The server: section plus the HEARTH_* variables, which win over the file. */
public final class ServerSection {
    /** The pseudo-variable under which `serve --listen` reaches the loader (it wins over the file and HEARTH_LISTEN). */
    public static final String LISTEN_OPTION = "--listen";

    private ServerSection() {}

    public static final List<String> KEYS = List.of("listen", "data_dir", "database", "memory_budget", "idle_unload",
            "exclusive", "max_queue", "queue_timeout", "job_timeout", "retention", "api_keys_file", "job_lease",
            "retention_max_bytes", "prompt_enhancer", "prompt_enhancer_instructions", "max_user_priority",
            "connect_timeout", "first_byte_timeout", "chunk_timeout", "gguf_engine", "placement", "node_id",
            "advertise_url", "blob_dir", "s3_endpoint", "s3_region");

    private static final Values.Kind<Integer> MAX_QUEUE = Values.integer(0, 1_000_000);
    private static final Values.Kind<Integer> PRIORITY = Values.integer(-1_000_000, 1_000_000);
    private static final Values.Kind<String> PLACEMENT = new Values.Kind<>("best-fit or spread",
            s -> s.strip().equals("best-fit") || s.strip().equals("spread") ? s.strip() : null);

    /**
     * @param node    the server: entry, or null when absent
     * @param baseDir what relative paths in the file are read from (the file's directory)
     */
    public static ServerConfig read(YamlNode node, Path baseDir, Fields f) {
        Map<String, YamlNode> m = f.mapping(node, "server",
                "a mapping of server settings (listen, data_dir, memory_budget…)");
        f.knownKeys(m, "server", KEYS);

        YamlNode listenNode = m.get("listen");
        Values.Listen fileListen = f.get(listenNode, "server.listen", Values.LISTEN);
        // `hearth serve --listen` wins over HEARTH_LISTEN, which wins over the file
        Values.Listen optionListen = f.env(LISTEN_OPTION, Values.LISTEN);
        Values.Listen envListen = optionListen != null ? optionListen : f.env("HEARTH_LISTEN", Values.LISTEN);
        Values.Listen listen = envListen != null ? envListen
                : requireNonNullElse(fileListen, new Values.Listen(Defaults.LISTEN_HOST, Defaults.LISTEN_PORT));

        String dataDirText = f.get(m.get("data_dir"), "server.data_dir", Values.TEXT);
        // The default is read like a written value, so writing "data_dir: ./data" changes nothing.
        Path dataDir = Fields.resolve(requireNonNullElse(dataDirText, Defaults.DATA_DIR.toString()), baseDir);
        String envDataDir = f.env("HEARTH_DATA_DIR", Values.TEXT);
        if (envDataDir != null) dataDir = Path.of(envDataDir);

        String database = first(f.env("HEARTH_DATABASE", Values.DATABASE),
                f.get(m.get("database"), "server.database", Values.DATABASE), Defaults.DATABASE);
        long budget = first(f.env("HEARTH_MEMORY_BUDGET", Values.BUDGET),
                f.get(m.get("memory_budget"), "server.memory_budget", Values.BUDGET), Defaults.MEMORY_BUDGET);
        // HEARTH_IDLE_UNLOAD is Hearth's own name, so it wins over VideosDGX's AUTO_UNLOAD_MINUTES.
        Duration idle = first(f.env("HEARTH_IDLE_UNLOAD", Values.DURATION), f.env("AUTO_UNLOAD_MINUTES", Values.MINUTES),
                f.get(m.get("idle_unload"), "server.idle_unload", Values.DURATION), Defaults.IDLE_UNLOAD);
        boolean exclusive = first(f.env("HEARTH_EXCLUSIVE", Values.BOOL),
                f.get(m.get("exclusive"), "server.exclusive", Values.BOOL), Defaults.EXCLUSIVE);
        int maxQueue = first(f.env("HEARTH_MAX_QUEUE", MAX_QUEUE),
                f.get(m.get("max_queue"), "server.max_queue", MAX_QUEUE), Defaults.MAX_QUEUE);
        Duration queueTimeout = requireNonNullElse(
                f.get(m.get("queue_timeout"), "server.queue_timeout", Values.DURATION), Defaults.QUEUE_TIMEOUT);
        Duration jobTimeout = requireNonNullElse(
                f.get(m.get("job_timeout"), "server.job_timeout", Values.DURATION), Defaults.JOB_TIMEOUT);
        Duration retention = requireNonNullElse(
                f.get(m.get("retention"), "server.retention", Values.DURATION), Defaults.RETENTION);
        long retentionMaxBytes = requireNonNullElse(
                f.get(m.get("retention_max_bytes"), "server.retention_max_bytes", Values.SIZE), 0L);
        String enhancer = f.get(m.get("prompt_enhancer"), "server.prompt_enhancer", Values.TEXT);
        String instructions = f.get(m.get("prompt_enhancer_instructions"), "server.prompt_enhancer_instructions",
                Values.TEXT);
        if (instructions != null && instructions.isBlank()) {
            f.problems.at(m.get("prompt_enhancer_instructions"), "server.prompt_enhancer_instructions",
                    "must not be empty: the system prompt the enhancer model follows (leave the key out for the default)");
        }

        Duration jobLease = requireNonNullElse(
                f.get(m.get("job_lease"), "server.job_lease", Values.POSITIVE_DURATION), ServerConfig.DEFAULT_JOB_LEASE);

        int maxUserPriority = requireNonNullElse(
                f.get(m.get("max_user_priority"), "server.max_user_priority", PRIORITY), Defaults.MAX_USER_PRIORITY);
        ProxyTimeouts proxy = proxyTimeouts(m, "server", ProxyTimeouts.DEFAULTS, f);

        Path keys = apiKeys(m.get("api_keys_file"), baseDir, f);
        boolean keysGiven = f.hasEnv("HEARTH_API_KEYS") || (m.get("api_keys_file") != null && !m.get("api_keys_file").isNull());
        if (!listen.loopback() && !keysGiven) {
            String why = listen.host() + " is reachable from other machines, so Hearth needs API keys: set "
                    + "server.api_keys_file (or HEARTH_API_KEYS) to a file with one key a line, or listen on 127.0.0.1";
            if (optionListen != null) {
                f.problems.env(LISTEN_OPTION, why);
            } else if (envListen != null) {
                f.problems.env("HEARTH_LISTEN", why);
            } else {
                f.problems.at(listenNode, "server.listen", why);
            }
        }
        return new ServerConfig(listen.host(), listen.port(), dataDir, database, budget, idle, exclusive,
                maxQueue, queueTimeout, jobTimeout, retention, keys, jobLease, retentionMaxBytes,
                JobSettings.NO_ENHANCER.equals(enhancer) ? null : enhancer, instructions, maxUserPriority, proxy,
                GgufEngine.server(m.get("gguf_engine"), f),
                "spread".equals(first(f.env("HEARTH_PLACEMENT", PLACEMENT), f.get(m.get("placement"), "server.placement",
                        PLACEMENT), "best-fit")));
    }

    /** connect_timeout, first_byte_timeout and chunk_timeout of a section, each defaulting to {@code fallback}'s. */
    public static ProxyTimeouts proxyTimeouts(Map<String, YamlNode> m, String section, ProxyTimeouts fallback, Fields f) {
        return new ProxyTimeouts(
                requireNonNullElse(f.get(m.get("connect_timeout"), section + ".connect_timeout",
                        Values.POSITIVE_DURATION), fallback.connect()),
                requireNonNullElse(f.get(m.get("first_byte_timeout"), section + ".first_byte_timeout",
                        Values.DURATION), fallback.firstByte()),
                requireNonNullElse(f.get(m.get("chunk_timeout"), section + ".chunk_timeout",
                        Values.DURATION), fallback.chunk()));
    }

    /**
     * The keys file must exist and hold at least one well-formed key ({@link KeysFile}): a typo in
     * its path, an empty file or a malformed line must never silently mean "no auth".
     * HEARTH_API_KEYS names the same file (a path, not the keys themselves) and wins over the file's key.
     */
    private static Path apiKeys(YamlNode node, Path baseDir, Fields f) {
        String envText = f.env("HEARTH_API_KEYS", Values.TEXT);
        if (envText != null) {
            Path p = Path.of(envText);
            if (!Files.isRegularFile(p)) {
                f.problems.env("HEARTH_API_KEYS", "file not found: " + p.toAbsolutePath()
                        + " (HEARTH_API_KEYS is the path of the keys file, not a key)");
            } else {
                String bad = keysProblem(p);
                if (bad != null) f.problems.env("HEARTH_API_KEYS", bad);
            }
            return p;
        }
        String text = f.get(node, "server.api_keys_file", Values.TEXT);
        if (text == null) return null;
        Path p = Fields.resolve(text, baseDir);
        if (!Files.isRegularFile(p)) {
            f.problems.at(node, "server.api_keys_file", "file not found: " + p
                    + " (a file with one API key a line; relative paths are read from the config file's directory)");
        } else {
            String bad = keysProblem(p);
            if (bad != null) f.problems.at(node, "server.api_keys_file", bad);
        }
        return p;
    }

    /** What is wrong with an existing keys file, or null when it is usable. */
    private static String keysProblem(Path p) {
        try {
            KeysFile.read(p);
            return null;
        } catch (KeysFile.Invalid e) {
            return e.getMessage();
        }
    }

    @SafeVarargs
    private static <T> T first(T... candidates) {
        for (T c : candidates) if (c != null) return c;
        throw new IllegalStateException("no default");
    }
}
