package dev.hearth.catalog;


import dev.hearth.config.JobSettings;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The configured models, looked up by name or alias. Immutable: a new configuration makes a new
 * catalog. Names are case-sensitive, as model ids in the OpenAI API are.
 */
public final class Catalog {
    private final List<ModelSpec> all;
    private final String serverEnhancer;
    private final Map<String, ModelSpec> byName = new HashMap<>();

    /** @throws IllegalArgumentException when a name or alias would resolve to two models */
    public Catalog(HearthConfig config) {
        this.all = List.copyOf(config.models().values());
        this.serverEnhancer = config.server().promptEnhancer();
        for (ModelSpec m : all) add(m.name(), m);
        for (ModelSpec m : all) for (String alias : m.aliases()) add(alias, m);
    }

    private void add(String name, ModelSpec model) {
        ModelSpec before = byName.putIfAbsent(name, model);
        if (before != null && before != model) {
            throw new IllegalArgumentException("\"" + name + "\" names both " + before.name() + " and " + model.name());
        }
    }

    /** The model a client's "model" names, by name or alias; empty when none does. */
    public Optional<ModelSpec> resolve(String nameOrAlias) {
        return nameOrAlias == null ? Optional.empty() : Optional.ofNullable(byName.get(nameOrAlias));
    }

    /** Every model, in file order. */
    public List<ModelSpec> all() { return all; }

    /**
     * The models that can serve a task, in file order. Chat models are included for
     * {@link Task#COMPLETION}, since they serve plain completions too ({@link Task#serves}).
     */
    public List<ModelSpec> byTask(Task task) {
        return all.stream().filter(m -> m.task().serves(task)).toList();
    }

    /**
     * The chat model rewriting a job model's prompts when a job asks: its own {@code prompt_enhancer},
     * else the server's; null = none (or the model's own is {@code none}).
     */
    public String enhancerOf(ModelSpec m) {
        String own = m.jobs().promptEnhancer();
        if (JobSettings.NO_ENHANCER.equals(own)) return null;
        String name = own != null ? own : serverEnhancer;
        return name == null ? null : resolve(name).map(ModelSpec::name).orElse(name);
    }
}
