package dev.hearth.engine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Chooses the loopback port a child server will listen on. */
@FunctionalInterface
public interface PortPicker {

    int pick();

    /**
     * A port the OS says is free now. Another process may take it before the child binds it;
     * the child then exits while starting and the start fails fast with its own message.
     */
    static PortPicker loopback() {
        return () -> {
            try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                return socket.getLocalPort();
            } catch (IOException e) {
                throw new UncheckedIOException("no free loopback port", e);
            }
        };
    }
}
