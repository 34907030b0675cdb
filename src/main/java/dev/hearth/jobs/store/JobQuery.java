package dev.hearth.jobs.store;

import dev.hearth.jobs.Dialect;
import dev.hearth.jobs.JobState;

import java.util.Set;

/**
 * Filters and a page for {@link JobStore#list}. Null or empty means "any". {@code after} is the id
 * of the last job of the previous page (OpenAI's cursor); the page continues past it in
 * {@code order}. {@code owner} keeps the jobs of one API key's name (a {@code user} key's view).
 */
public record JobQuery(String model, Set<JobState> states, Dialect dialect, String after, int limit, boolean descending,
                       String owner) {
    public static final int MAX_LIMIT = 1000;

    public JobQuery {
        states = states == null ? Set.of() : Set.copyOf(states);
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be 1.." + MAX_LIMIT + ": " + limit);
        }
    }

    public JobQuery(String model, Set<JobState> states, Dialect dialect, String after, int limit, boolean descending) {
        this(model, states, dialect, after, limit, descending, null);
    }

    /** All jobs, newest first, one page of {@code limit}. */
    public static JobQuery newest(int limit) { return new JobQuery(null, Set.of(), null, null, limit, true); }

    public JobQuery model(String m) { return new JobQuery(m, states, dialect, after, limit, descending, owner); }

    public JobQuery states(Set<JobState> s) { return new JobQuery(model, s, dialect, after, limit, descending, owner); }

    public JobQuery dialect(Dialect d) { return new JobQuery(model, states, d, after, limit, descending, owner); }

    public JobQuery after(String id) { return new JobQuery(model, states, dialect, id, limit, descending, owner); }

    public JobQuery ascending() { return new JobQuery(model, states, dialect, after, limit, false, owner); }

    public JobQuery ownedBy(String o) { return new JobQuery(model, states, dialect, after, limit, descending, o); }
}
