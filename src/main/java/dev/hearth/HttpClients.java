package dev.hearth;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.concurrent.Executors;

/**
 * The one place Hearth builds a {@link HttpClient}: a method per kind of peer, so a setting that
 * matters (version, redirects, executor) is chosen once per kind and not again at every call site.
 * None follows redirects, the JDK's default, and every one takes its connect timeout from the caller.
 */
public final class HttpClients {

    private HttpClients() {}

    /**
     * To an engine's HTTP server, or a server that answers like one: a process engine's child, a
     * remote engine's {@code url}, a LightX2V server, the chat model of the prompt enhancer, and
     * Hearth itself when a benchmark loads it. HTTP/1.1 (these speak it; no HTTP/2 upgrade attempt);
     * asynchronous work on the JDK's default executor.
     */
    public static HttpClient engine(Duration connectTimeout) {
        return engineBuilder(connectTimeout).build();
    }

    /**
     * {@link #engine} for callers with many streams in flight at once (the gateway's proxy, the
     * retrying storm of {@code hearth bench --storm}): the client's asynchronous work runs on virtual
     * threads, one per task, rather than on the default executor's platform threads.
     */
    public static HttpClient engineManyStreams(Duration connectTimeout) {
        return engineBuilder(connectTimeout).executor(Executors.newVirtualThreadPerTaskExecutor()).build();
    }

    /**
     * To an address a user gave, which may be anywhere (a media URL in a request, the CLI's
     * {@code --url}): the JDK's default version, HTTP/2 where the server offers it. Redirects are
     * never followed: a caller that wants them follows each one itself, checking where it leads.
     */
    public static HttpClient userUrl(Duration connectTimeout) {
        return HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(connectTimeout)
                .build();
    }

    /**
     * A client built at its first use, once, for a field that start-up would otherwise pay for:
     * the first client of a JVM sets up TLS (a few hundred ms), and most of Hearth's clients serve
     * requests that a start never makes.
     */
    public static Lazy lazy(java.util.function.Supplier<HttpClient> make) {
        return new Lazy(make);
    }

    /** See {@link #lazy}; safe to share between threads. */
    public static final class Lazy {
        private final java.util.function.Supplier<HttpClient> make;
        private volatile HttpClient client;

        private Lazy(java.util.function.Supplier<HttpClient> make) {
            this.make = make;
        }

        public HttpClient get() {
            HttpClient c = client;
            if (c == null) {
                synchronized (this) {
                    c = client;
                    if (c == null) client = c = make.get();
                }
            }
            return c;
        }
    }

    private static HttpClient.Builder engineBuilder(Duration connectTimeout) {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(connectTimeout);
    }
}
