package dev.hearth.jobs;

import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The states of a job and the one table of moves between them (DESIGN.md, "Job states").
 * {@code cancelling} exists because a running worker needs time to stop; the job may still finish
 * or fail meanwhile, so those moves are allowed too. {@code running → queued} is the requeue after
 * a lost lease; {@code queued → failed} covers work that fails before a worker sees it (the
 * prompt enhancer, {@code job_timeout} while waiting).
 */
public enum JobState {
    QUEUED, RUNNING, CANCELLING, SUCCEEDED, FAILED, CANCELLED;

    private static final Map<JobState, Set<JobState>> MOVES = new EnumMap<>(JobState.class);

    static {
        MOVES.put(QUEUED, EnumSet.of(RUNNING, CANCELLED, FAILED));
        MOVES.put(RUNNING, EnumSet.of(SUCCEEDED, FAILED, CANCELLING, QUEUED));
        MOVES.put(CANCELLING, EnumSet.of(CANCELLED, FAILED, SUCCEEDED));
        MOVES.put(SUCCEEDED, EnumSet.noneOf(JobState.class));
        MOVES.put(FAILED, EnumSet.noneOf(JobState.class));
        MOVES.put(CANCELLED, EnumSet.noneOf(JobState.class));
    }

    public boolean canMoveTo(JobState to) { return MOVES.get(this).contains(to); }

    /** The states this one may move to, for error messages. */
    public Set<JobState> next() { return Collections.unmodifiableSet(MOVES.get(this)); }

    /** No move leaves a terminal state; retention may delete the job. */
    public boolean terminal() { return MOVES.get(this).isEmpty(); }

    /** Holds a lease: a node is working on it and must keep heart-beating. */
    public boolean leased() { return this == RUNNING || this == CANCELLING; }

    /** The lower-case name used in the database and the native API. */
    public String wire() { return name().toLowerCase(Locale.ROOT); }

    public static JobState fromWire(String s) {
        return valueOf(s.toUpperCase(Locale.ROOT));
    }

    @Override
    public String toString() { return wire(); }
}
