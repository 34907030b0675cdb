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
 * or fail meanwhile, so those moves are allowed too. {@code running → queued} gives a job back to
 * the queue: the reaper's requeue after a lost lease, a worker crash with attempts left, Hearth
 * stopping before or while the job ran, a load that failed unexpectedly. Nothing moves a job
 * {@code queued → failed} now (the prompt enhancer runs on a claimed job, running with stage
 * {@code enhance}, and {@code job_timeout} starts when the worker gets the job), but the table
 * allows it.
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
