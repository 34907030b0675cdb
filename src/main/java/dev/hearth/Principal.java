package dev.hearth;

/**
 * Who sent a request: the name and role of its API key, attached to the request's context by the
 * gateway's key check (found there with {@code gateway.Callers.of}). Without API keys (loopback, no auth) every caller is {@link #LOCAL}: an
 * admin that owns nothing (its jobs have no owner).
 *
 * @param name  the key's name from the keys file; null for {@link #LOCAL}
 * @param admin role {@code admin} (every job, load/unload, logs, any priority), else role {@code user}
 */
public record Principal(String name, boolean admin) {
    public static final Principal LOCAL = new Principal(null, true);

    /** What a job made by this caller records as its owner: the key's name, or null without keys. */
    public String owner() { return name; }

    public String role() { return admin ? "admin" : "user"; }

    /** Whether this caller may see (and cancel) a job with this owner. */
    public boolean sees(String jobOwner) {
        return admin || (name != null && name.equals(jobOwner));
    }

    /** 403 unless this caller is an admin; {@code what} says what was refused ("unloading a model"). */
    public void requireAdmin(String what) {
        if (!admin) {
            throw new ForbiddenException("The API key '" + name + "' has role user; " + what
                    + " needs an admin key.", null);
        }
    }
}
