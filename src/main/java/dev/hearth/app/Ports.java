package dev.hearth.app;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/**
 * Checks that the ports Hearth will listen on are free before anything starts: a busy port found
 * by the web server after the engines and the job queue started would leave a half-started Hearth.
 */
final class Ports {
    private Ports() {}

    /**
     * @param setting what to change, as the user would ("set HEARTH_LISTEN or --listen")
     * @throws StartupException when the address is taken or cannot be listened on
     */
    static void ensureFree(String host, int port, String setting) {
        if (port == 0) return; // any free port
        String where = (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
        InetSocketAddress address = new InetSocketAddress(host, port);
        if (address.isUnresolved()) {
            throw new StartupException("cannot listen on " + where + ": unknown host " + host + "; " + setting);
        }
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true); // as the web server binds: a closed socket's TIME_WAIT does not count
            probe.bind(address);
        } catch (BindException e) {
            // "Address already in use", or an address of another machine ("Cannot assign requested address")
            throw new StartupException(e.getMessage() != null && e.getMessage().contains("in use")
                    ? where + " is in use; " + setting
                    : "cannot listen on " + where + ": " + e.getMessage() + "; " + setting);
        } catch (IOException e) {
            throw new StartupException("cannot listen on " + where + ": " + e.getMessage() + "; " + setting);
        }
    }
}
