package dev.hearth.jobs;

import java.time.Instant;

/**
 * One state change. {@code from} is null for the creation row; {@code node} is the process that
 * made the change (the claiming node for a claim, the reaper's node for a requeue).
 */
public record HistoryEntry(String job, JobState from, JobState to, String reason, Instant at, String node) {}
