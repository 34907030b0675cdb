package dev.hearth.jobs;

/**
 * The other nodes sharing this database, as the dispatchers need them: whether a model is loaded
 * (or loading) on another live node, which then takes that model's queued jobs first. One node
 * alone has no peers.
 */
@FunctionalInterface
public interface Peers {
    boolean presentElsewhere(String model);

    /** This node alone: it loads a model for its queued jobs as soon as it can, lease first. */
    Peers NONE = model -> false;
}
