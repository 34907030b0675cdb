package dev.hearth.catalog;

import dev.hearth.config.Fields;
import dev.hearth.config.ServerConfig;
import dev.hearth.config.YamlNode;
import java.util.HashMap;
import java.util.Map;

/**
 * Checks across models: a name or alias resolves to exactly one model, and no two things want
 * the same port. Each problem points at the later entry and names the earlier one.
 */
final class ModelRules {
    private ModelRules() {}

    static void check(Map<String, ModelSpec> models, Map<String, YamlNode> nodes, ServerConfig server, Fields f) {
        Map<String, String> aliasOwner = new HashMap<>();
        Map<Integer, String> portOwner = new HashMap<>();
        models.forEach((name, spec) -> {
            Map<String, YamlNode> entries = nodes.get(name).map();
            for (String alias : spec.aliases()) {
                String key = "models." + name + ".aliases";
                if (alias.equals(name)) continue;   // harmless: it resolves to the same model
                if (models.containsKey(alias)) {
                    f.problems.at(entries.get("aliases"), key, "\"" + alias + "\" is the name of another model (line "
                            + nodes.get(alias).line() + ")");
                } else if (aliasOwner.containsKey(alias) && !aliasOwner.get(alias).equals(name)) {
                    String owner = aliasOwner.get(alias);
                    f.problems.at(entries.get("aliases"), key, "\"" + alias + "\" is already an alias of model "
                            + owner + " (line " + nodes.get(owner).line() + ")");
                } else {
                    aliasOwner.put(alias, name);
                }
            }
            Integer port = spec.port();
            if (port == null) return;
            String key = "models." + name + ".port";
            if (port == server.port()) {
                f.problems.at(entries.get("port"), key, "port " + port + " is the port Hearth listens on (server.listen)");
            } else if (portOwner.containsKey(port)) {
                String owner = portOwner.get(port);
                f.problems.at(entries.get("port"), key, "port " + port + " is already used by model " + owner
                        + " (line " + nodes.get(owner).line() + ")");
            } else {
                portOwner.put(port, name);
            }
        });
    }
}
