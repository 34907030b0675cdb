package dev.hearth.catalog;

import dev.hearth.config.Fields;
import dev.hearth.config.JobSettings;
import dev.hearth.config.ServerConfig;
import dev.hearth.config.YamlNode;

import java.util.Map;

/**
 * The prompt enhancer named by {@code server.prompt_enhancer} or a model's own {@code prompt_enhancer}
 * must be a configured chat model that can take turns in memory with the video models using it:
 * a typo, or a combination that cannot work, must fail at start, not on the first job that asks.
 */
final class EnhancerRules {
    private EnhancerRules() {}

    /**
     * @param serverNode the server: entry or null
     * @param modelNodes each model's entry, or empty for the embedded default models
     */
    static void check(ServerConfig server, YamlNode serverNode, Map<String, ModelSpec> models,
                      Map<String, YamlNode> modelNodes, Fields f) {
        if (server.promptEnhancer() != null) {
            YamlNode at = serverNode != null && serverNode.isMap() ? serverNode.map().get("prompt_enhancer") : null;
            problem(server.promptEnhancer(), models, "server.prompt_enhancer", at, f);
        }
        models.forEach((name, spec) -> {
            String own = spec.jobs().promptEnhancer();
            if (own == null || own.equals(JobSettings.NO_ENHANCER)) return;
            String key = "models." + name + ".prompt_enhancer";
            YamlNode entry = modelNodes.get(name);
            YamlNode at = entry != null && entry.isMap() ? entry.map().get("prompt_enhancer") : null;
            if (!spec.runsJobs()) {
                f.problems.at(at, key, "only video (job) models use a prompt enhancer; " + name + " is a "
                        + spec.task().wire() + " model");
                return;
            }
            problem(own, models, key, at, f);
        });
        models.forEach((name, spec) -> {
            if (!spec.runsJobs()) return;
            String own = spec.jobs().promptEnhancer();
            if (JobSettings.NO_ENHANCER.equals(own)) return;
            String enhancer = own != null ? own : server.promptEnhancer();
            ModelSpec target = enhancer == null ? null : resolve(enhancer, models);
            if (target == null || target.task() != Task.CHAT) return;   // none, or already reported
            YamlNode entry = modelNodes.get(name);
            YamlNode at = own != null
                    ? entry != null && entry.isMap() ? entry.map().get("prompt_enhancer") : null
                    : serverNode != null && serverNode.isMap() ? serverNode.map().get("prompt_enhancer") : null;
            String key = own != null ? "models." + name + ".prompt_enhancer" : "server.prompt_enhancer";
            String why = cannotTakeTurns(spec, target, server);
            if (why != null && at != null) f.problems.at(at, key, why);
        });
    }

    /**
     * The enhancer runs before the video model's lease is taken, so the two need only take turns in
     * memory; null when they can. They cannot when one of them is pinned (never unloaded) and the
     * other does not fit beside it, or when the enhancer alone is larger than the budget.
     */
    private static String cannotTakeTurns(ModelSpec video, ModelSpec enhancer, ServerConfig server) {
        long budget = server.memoryBudget();
        boolean known = budget != ServerConfig.AUTO;
        if (known && enhancer.memoryBytes() > budget) {
            return "\"" + enhancer.name() + "\" needs " + mib(enhancer.memoryBytes()) + ", more than the whole"
                    + " server.memory_budget (" + mib(budget) + "), so no job of " + video.name() + " could be enhanced";
        }
        ModelSpec pinned = video.pinned() ? video : enhancer.pinned() ? enhancer : null;
        if (pinned == null) return null;
        ModelSpec other = pinned == video ? enhancer : video;
        if (server.exclusive()) {
            return pinned.name() + " is pinned and server.exclusive keeps one model loaded at a time, so "
                    + other.name() + " could never load beside it; unpin it, or use no prompt enhancer for "
                    + video.name();
        }
        if (known && video.memoryBytes() + enhancer.memoryBytes() > budget) {
            return pinned.name() + " is pinned (" + mib(pinned.memoryBytes()) + ") and " + other.name() + " ("
                    + mib(other.memoryBytes()) + ") does not fit beside it in server.memory_budget (" + mib(budget)
                    + "); unpin it, or use no prompt enhancer for " + video.name();
        }
        return null;
    }

    private static String mib(long bytes) {
        return (bytes + (1 << 20) - 1 >> 20) + "MiB";
    }

    private static ModelSpec resolve(String name, Map<String, ModelSpec> models) {
        ModelSpec m = models.get(name);
        return m != null ? m : models.values().stream().filter(x -> x.aliases().contains(name)).findFirst().orElse(null);
    }

    private static void problem(String enhancer, Map<String, ModelSpec> models, String key, YamlNode at, Fields f) {
        ModelSpec target = models.get(enhancer);
        if (target == null) {
            target = models.values().stream().filter(m -> m.aliases().contains(enhancer)).findFirst().orElse(null);
        }
        if (target == null) {
            f.problems.at(at, key, "no model named \"" + enhancer + "\"; expected the name of a chat model under"
                    + " models: (or none)");
        } else if (target.task() != Task.CHAT) {
            f.problems.at(at, key, "\"" + enhancer + "\" is a " + target.task().wire() + " model; the prompt enhancer"
                    + " must be a chat model");
        }
    }
}
