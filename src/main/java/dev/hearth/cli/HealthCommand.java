package dev.hearth.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.concurrent.Callable;

@Command(name = "health", description = "Show whether Hearth is up, its memory budget and each model's state.")
final class HealthCommand implements Callable<Integer> {

    @Mixin
    ApiClient api;

    @Override
    public Integer call() throws Exception {
        ApiClient.Answer info;
        try {
            info = api.get("/info");
        } catch (java.io.IOException e) {
            System.err.println(e.getMessage());
            return 1;
        }
        if (info.status() != 200) {
            System.err.println(ApiClient.error(info));
            return 1;
        }
        JsonNode b = info.body();
        JsonNode mem = b.path("memory");
        System.out.printf("Hearth %s at %s: up%n", b.path("version").asText(), api.url());
        System.out.printf("memory: %s used of %s budget%n",
                ModelsCommand.gib(mem.path("used_bytes").asLong()), ModelsCommand.gib(mem.path("budget_bytes").asLong()));
        for (JsonNode gpu : b.path("gpus")) {
            System.out.printf("gpu %d: %s%n", gpu.path("index").asInt(), gpu.path("name").asText());
        }
        ModelsCommand.table(b.path("models"));
        return 0;
    }
}
