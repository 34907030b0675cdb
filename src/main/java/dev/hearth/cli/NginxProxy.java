package dev.hearth.cli;

import dev.hearth.engine.PortPicker;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * nginx in front of an engine, as people put it there: a plain {@code proxy_pass} with buffering
 * off and keep-alive connections to the upstream. The yardstick Hearth's own proxying is measured
 * against in {@code hearth bench}. Runs as a child (daemon off) from a config in a temp dir.
 */
final class NginxProxy implements AutoCloseable {
    private final Process process;
    private final URI base;

    private NginxProxy(Process process, URI base) {
        this.process = process;
        this.base = base;
    }

    /** The nginx binary on PATH (or the given one), or null when there is none. */
    static Path find(Path given) {
        if (given != null) return Files.isExecutable(given) ? given : null;
        for (String dir : List.of("/usr/sbin", "/usr/local/sbin", "/usr/bin", "/usr/local/bin")) {
            Path p = Path.of(dir, "nginx");
            if (Files.isExecutable(p)) return p;
        }
        return null;
    }

    static NginxProxy start(Path nginx, URI upstream, Path dir) throws IOException, InterruptedException {
        Files.createDirectories(dir.resolve("tmp"));
        int port = PortPicker.loopback().pick();
        Path conf = dir.resolve("nginx.conf");
        Files.writeString(conf, """
                daemon off;
                worker_processes 1;
                pid %1$s/nginx.pid;
                error_log %1$s/error.log warn;
                events { worker_connections 4096; }
                http {
                  access_log off;
                  client_body_temp_path %1$s/tmp/body;
                  proxy_temp_path %1$s/tmp/proxy;
                  fastcgi_temp_path %1$s/tmp/fastcgi;
                  uwsgi_temp_path %1$s/tmp/uwsgi;
                  scgi_temp_path %1$s/tmp/scgi;
                  upstream engine { server %2$s:%3$d; keepalive 128; }
                  server {
                    listen 127.0.0.1:%4$d;
                    location / {
                      proxy_pass http://engine;
                      proxy_http_version 1.1;
                      proxy_set_header Connection "";
                      proxy_buffering off;
                      proxy_request_buffering off;
                      proxy_read_timeout 600s;
                    }
                  }
                }
                """.formatted(dir.toAbsolutePath(), upstream.getHost(), upstream.getPort(), port));
        Process p = new ProcessBuilder(nginx.toString(), "-p", dir.toAbsolutePath().toString(), "-c", conf.toString(),
                "-e", dir.resolve("error.log").toAbsolutePath().toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("nginx.out").toFile()).start();
        Runtime.getRuntime().addShutdownHook(new Thread(p::destroy, "nginx-stop")); // a bench ended by Ctrl-C
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!listening(port)) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                p.destroyForcibly();
                throw new IOException("nginx did not start: " + Files.readString(dir.resolve("nginx.out"))
                        + (Files.exists(dir.resolve("error.log")) ? Files.readString(dir.resolve("error.log")) : ""));
            }
            Thread.sleep(20); // polling a port nginx opens within milliseconds; bounded by the deadline above
        }
        return new NginxProxy(p, URI.create("http://127.0.0.1:" + port));
    }

    private static boolean listening(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    URI base() { return base; }

    /** CPU time (user + system) nginx has used so far: its master and its worker. */
    java.time.Duration cpu() {
        return java.util.stream.Stream.concat(java.util.stream.Stream.of(process.toHandle()), process.descendants())
                .map(h -> h.info().totalCpuDuration().orElse(java.time.Duration.ZERO))
                .reduce(java.time.Duration.ZERO, java.time.Duration::plus);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy(); // SIGTERM: nginx's fast shutdown
        if (!process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) process.destroyForcibly();
    }
}
