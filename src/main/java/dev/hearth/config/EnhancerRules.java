package dev.hearth.config;

import dev.hearth.catalog.Task;

import java.util.Map;

/**
 * The prompt enhancer named by {@code server.prompt_enhancer} or a model's own {@code prompt_enhancer}
 * must be a configured chat model: a typo must fail at start, not on the first job that asks for it.
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
