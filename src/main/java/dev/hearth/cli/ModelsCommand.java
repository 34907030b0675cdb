package dev.hearth.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "models", description = {"List models with their state, or load/unload one:",
        "  hearth models", "  hearth models load NAME", "  hearth models unload NAME"})
final class ModelsCommand implements Callable<Integer> {

    @Mixin
    ApiClient api;

    @Parameters(index = "0", arity = "0..1", description = "load | unload")
    String action;

    @Parameters(index = "1", arity = "0..1", description = "model name")
    String model;

    @Override
    public Integer call() throws Exception {
        try {
            if (action == null) {
                ApiClient.Answer a = api.get("/api/models");
                if (a.status() != 200) {
                    System.err.println(ApiClient.error(a));
                    return 1;
                }
                table(a.body());
                return 0;
            }
            if (!action.equals("load") && !action.equals("unload") || model == null) {
                System.err.println("usage: hearth models [load|unload NAME]");
                return 2;
            }
            ApiClient.Answer a = api.post("/api/models/" + model + "/" + action);
            if (a.status() != 200) {
                System.err.println(ApiClient.error(a));
                return 1;
            }
            System.out.println(action.equals("load")
                    ? model + ": " + a.body().path("state").asText()
                    : model + ": unloaded, " + gib(a.body().path("memory_freed_bytes").asLong()) + " freed");
            return 0;
        } catch (java.io.IOException e) {
            System.err.println(e.getMessage());
            return 1;
        }
    }

    static void table(JsonNode models) {
        System.out.printf("%-28s %-11s %-16s %-10s %9s %9s %5s  %s%n", "MODEL", "TASK", "ENGINE", "STATE", "MEMORY",
                "IN-FLIGHT", "LIMIT", "LIMIT FROM");
        for (JsonNode m : models) {
            System.out.printf("%-28s %-11s %-16s %-10s %9s %9d %5d  %s%n", m.path("name").asText(),
                    m.path("task").asText(),
                    // a preset says more than "process": vllm, llama-server…
                    m.path("preset").isTextual() ? m.path("preset").asText() : m.path("engine").asText(),
                    m.path("state").asText(), gib(m.path("memory_bytes").asLong()),
                    m.path("in_flight").asInt(), m.path("max_concurrency").asInt(),
                    m.path("max_concurrency_source").asText());
        }
    }

    static String gib(long bytes) {
        return bytes >= 1L << 30
                ? String.format(Locale.ROOT, "%.1f GiB", bytes / (double) (1L << 30))
                : String.format(Locale.ROOT, "%.0f MiB", bytes / (double) (1L << 20));
    }
}
