package dev.hearth.catalog;

import dev.hearth.config.Defaults;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A model's default {@code max_concurrency}: what its engine really serves at once, so that Hearth
 * neither queues requests a batching server would have run nor pretends a one-at-a-time engine runs
 * more. {@code max_concurrency:} in the entry overrides it ({@link #CONFIG}).
 *
 * <p>Where a server says how many it runs, its command line is read (the final one: a preset's with
 * {@code args:} appended, or the entry's {@code cmd}); the values below are each server's own
 * defaults, checked against it:
 * <ul>
 * <li>llama.cpp's llama-server: {@code --parallel N} / {@code -np N} (or {@code LLAMA_ARG_N_PARALLEL}
 *     in the environment; the flag wins). Its default is {@code -1}, "auto", which today's server turns
 *     into 4 slots sharing one KV cache (its log: {@code n_slots = 4}; checked 2026-12-02 with the
 *     llama-server that {@code bin/build-llama-server} builds from llama-cpp-python 0.3.36). The limit
 *     is twice its slots: one request generating in each and one waiting in the server's own queue, as
 *     for the {@code llamacpp} engine below. A slot that frees then starts its next request in the
 *     server's next step; with the limit at the slots it stays empty until Hearth has handed the next
 *     one over (the lease back, the waiter woken, the request written, read and tokenised). At 16
 *     clients on four slots a limit of 6 served 1.6 % more requests than 4, and 8 served 3 % more
 *     than 5 (BENCHMARKS.md).</li>
 * <li>vLLM: {@code --max-num-seqs N}. Without it vLLM (V1 engine) picks 256 as an API server, or 1024
 *     on a GPU of 70 GiB or more that is not an A100 (H100, H200, GB10, MI300), by the GPU it finds
 *     at start (its {@code EngineArgs} batch defaults, read in vLLM's source; vLLM itself is not
 *     installed here). Hearth cannot know that GPU here, so it takes the larger: a limit above the
 *     server's only moves the wait into vLLM's own scheduler, a limit below it leaves batch slots
 *     empty.</li>
 * <li>SGLang: {@code --max-running-requests N}. Without it SGLang sizes the limit from its KV cache
 *     (thousands of requests for a usual model), so Hearth's ceiling, 1024, is used.</li>
 * <li>Hearth's own {@code llamacpp} engine generates one answer at a time behind a fair lock; its
 *     limit is 2, one generating and one already waiting at the lock, so the engine never idles
 *     between two requests while the rest wait in Hearth's queue (where queue_timeout and 429 apply).</li>
 * <li>Any other HTTP server (a process without a recognised flag, a remote URL): 64. Such servers
 *     (Ollama, TGI, speaches, another vLLM behind a URL…) queue what they cannot serve at once, so a
 *     low limit only idles them; 64 keeps a batching server busy while a flood still meets Hearth's
 *     bounded queue rather than opening a socket per client upstream.</li>
 * <li>{@code command} and in-JVM engines keep {@link Defaults#MAX_CONCURRENCY}; job engines run one
 *     job at a time.</li>
 * </ul>
 */
final class EngineConcurrency {
    private EngineConcurrency() {}

    /** The limit and where it came from, as {@code /api/models} shows them. */
    record Limit(int value, String source) {}

    /** The source of a limit the entry gives itself. */
    static final String CONFIG = "config";
    /** The most {@code max_concurrency:} accepts. */
    static final int MAX = Defaults.MAX_CONCURRENCY_LIMIT;
    /** Any HTTP engine that queues internally and whose limit Hearth cannot read. */
    static final int HTTP_DEFAULT = Defaults.MAX_CONCURRENCY_HTTP;
    static final int LLAMACPP = Defaults.MAX_CONCURRENCY_LLAMACPP;
    /** llama-server's {@code --parallel -1}, its default: four slots. */
    static final int LLAMA_SERVER_AUTO = 4;
    static final int VLLM_DEFAULT = MAX;
    static final int SGLANG_DEFAULT = MAX;

    /**
     * @param cmd the final command line (null for engines without one)
     * @param env the entry's {@code env:}
     */
    static Limit of(EngineKind kind, String cmd, Map<String, String> env) {
        if (kind == null) return new Limit(Defaults.MAX_CONCURRENCY, "default");
        return switch (kind) {
            case WORKER, TESTSRC, LIGHTX2V -> new Limit(Defaults.MAX_CONCURRENCY_JOBS, "job engine: one job at a time");
            case COMMAND, ONNX_EMBEDDINGS -> new Limit(Defaults.MAX_CONCURRENCY, "default");
            case LLAMACPP -> new Limit(LLAMACPP, "llamacpp: one generation at a time, one more waiting");
            case REMOTE -> new Limit(HTTP_DEFAULT, "default for HTTP servers");
            case PROCESS -> fromCommand(cmd, env);
        };
    }

    /** A process engine's limit, from the server its command line runs. */
    static Limit fromCommand(String cmd, Map<String, String> env) {
        List<String> words;
        try {
            words = cmd == null ? List.of() : words(cmd);
        } catch (IllegalArgumentException e) {
            words = List.of(); // the shell reports the open quote when the engine starts
        }
        return switch (server(words)) {
            case LLAMA_SERVER -> llamaServer(words, env);
            case VLLM -> flag(words, "vllm", VLLM_DEFAULT, "--max-num-seqs", "--max_num_seqs");
            case SGLANG -> flag(words, "sglang", SGLANG_DEFAULT, "--max-running-requests", "--max_running_requests");
            case OTHER -> new Limit(HTTP_DEFAULT, "default for HTTP servers");
        };
    }

    private enum Server { LLAMA_SERVER, VLLM, SGLANG, OTHER }

    /** The first word that names a known server: its binary, its Python module or its container image. */
    private static Server server(List<String> words) {
        for (int i = 0; i < words.size(); i++) {
            String w = words.get(i);
            String base = w.substring(w.lastIndexOf('/') + 1);
            if (base.contains("llama-server") || w.contains("llama.cpp:server")) return Server.LLAMA_SERVER;
            if (base.equals("vllm") && i + 1 < words.size() && words.get(i + 1).equals("serve")
                    || w.startsWith("vllm.entrypoints") || w.contains("vllm-openai")) {
                return Server.VLLM;
            }
            if (w.startsWith("sglang.launch_server") || base.equals("sglang") && i + 1 < words.size()
                    && words.get(i + 1).equals("serve") || w.startsWith("lmsysorg/sglang")) {
                return Server.SGLANG;
            }
        }
        return Server.OTHER;
    }

    private static Limit llamaServer(List<String> words, Map<String, String> env) {
        String given = value(words, "--parallel", "-np");
        String how = given != null ? "--parallel " + given : null;
        if (given == null) {
            // LLAMA_ARG_N_PARALLEL=8 as the command's own prefix, else in the entry's env
            given = value(words, "LLAMA_ARG_N_PARALLEL");
            if (given == null) given = env.get("LLAMA_ARG_N_PARALLEL");
            if (given != null) how = "LLAMA_ARG_N_PARALLEL=" + given;
        }
        Integer n = integer(given);
        if (n != null && n == -1) return perSlot(LLAMA_SERVER_AUTO, "llama-server " + how + " (auto: 4 slots)");
        if (n == null || n < 1) {
            return perSlot(LLAMA_SERVER_AUTO, "llama-server --parallel default (auto: 4 slots)");
        }
        return perSlot(n, "llama-server " + how);
    }

    /** Two requests per slot of a server that queues what its slots cannot take: one generating, one waiting. */
    private static Limit perSlot(int slots, String source) {
        return capped((int) Math.min(2L * slots, Integer.MAX_VALUE), source + ", 2 per slot");
    }

    private static Limit flag(List<String> words, String server, int fallback, String... names) {
        Integer n = integer(value(words, names));
        if (n == null || n < 1) return new Limit(fallback, server + " " + names[0] + " default");
        return capped(n, server + " " + names[0] + " " + n);
    }

    private static Limit capped(int n, String source) {
        return n > MAX ? new Limit(MAX, source + " (capped at " + MAX + ")") : new Limit(n, source);
    }

    /**
     * The value of the last of {@code names} on the command line ({@code --flag N} or
     * {@code --flag=N}); the last wins, as in the servers' own parsers. Null when absent.
     */
    static String value(List<String> words, String... names) {
        String found = null;
        for (int i = 0; i < words.size(); i++) {
            String w = words.get(i);
            for (String name : names) {
                if (w.equals(name) && i + 1 < words.size()) found = words.get(i + 1);
                else if (w.startsWith(name + "=")) found = w.substring(name.length() + 1);
            }
        }
        return found;
    }

    private static Integer integer(String text) {
        if (text == null) return null;
        try {
            return Integer.parseInt(text.strip());
        } catch (NumberFormatException e) {
            return null; // not a number: the server refuses it when it starts
        }
    }

    /**
     * The words {@code /bin/sh} would pass as argv, as far as a limit needs: quotes ('…', "…") group,
     * a backslash escapes the next character outside single quotes. Expansions are left as written.
     *
     * @throws IllegalArgumentException when a quote is not closed
     */
    static List<String> words(String cmd) {
        List<String> words = new ArrayList<>();
        StringBuilder word = null;
        char quote = 0;
        for (int i = 0; i < cmd.length(); i++) {
            char c = cmd.charAt(i);
            if (quote == '\'') {
                if (c == '\'') quote = 0;
                else word.append(c);
            } else if (c == '\\' && i + 1 < cmd.length()) {
                char next = cmd.charAt(++i);
                if (next == '\n') continue; // a continued line, as in a multi-line cmd:
                if (word == null) word = new StringBuilder();
                word.append(next);
            } else if (quote == '"') {
                if (c == '"') quote = 0;
                else word.append(c);
            } else if (c == '\'' || c == '"') {
                quote = c;
                if (word == null) word = new StringBuilder();
            } else if (Character.isWhitespace(c)) {
                if (word != null) words.add(word.toString());
                word = null;
            } else {
                if (word == null) word = new StringBuilder();
                word.append(c);
            }
        }
        if (quote != 0) throw new IllegalArgumentException("a quote (" + quote + ") is not closed");
        if (word != null) words.add(word.toString());
        return words;
    }
}
