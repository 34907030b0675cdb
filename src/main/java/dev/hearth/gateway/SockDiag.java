package dev.hearth.gateway;

import java.lang.invoke.MethodHandle;
import java.lang.reflect.Array;
import java.lang.reflect.Method;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Optional;

/**
 * One TCP connection's state, asked of the Linux kernel by its addresses over a {@code NETLINK_SOCK_DIAG}
 * socket ({@code sock_diag(7)}, what {@code ss} uses): a lookup in the kernel's connection hash, a few
 * microseconds whatever else the machine holds. {@code /proc/net/tcp} instead prints every connection
 * the machine has, TIME_WAIT ones included, and walks the whole hash to do it: on a busy server that
 * is thousands of lines a read, which a profile at 64 waiting clients showed as 16 % of Hearth's CPU.
 * Reached through the JDK's foreign-function API (libc's {@code socket}, {@code send}, {@code recv}),
 * final since JDK 22 and looked up reflectively, since Hearth is built for JDK 21: on 21 there is no
 * {@code SockDiag} and the caller reads {@code /proc} as before. The calls are "critical" (short, never
 * blocking: {@code MSG_DONTWAIT}) so they read and write Java arrays directly.
 */
final class SockDiag {
    static final int ESTABLISHED = 1;
    /** {@link #state}: the kernel holds no such connection (gone after a reset, or closed). */
    static final int NONE = 0;
    /** {@link #state}: the kernel did not say. */
    static final int UNKNOWN = -1;

    private static final int AF_NETLINK = 16;
    private static final int AF_INET = 2;
    private static final int AF_INET6 = 10;
    private static final int SOCK_DGRAM = 2;
    private static final int SOCK_CLOEXEC = 0x80000;
    private static final int NETLINK_SOCK_DIAG = 4;
    private static final short SOCK_DIAG_BY_FAMILY = 20;
    private static final short NLMSG_ERROR = 2;
    private static final short NLM_F_REQUEST = 1;
    private static final int IPPROTO_TCP = 6;
    private static final int MSG_DONTWAIT = 0x40;
    private static final int ENOENT = 2;
    /** nlmsghdr (16) + inet_diag_req_v2 (56). */
    private static final int REQUEST_SIZE = 72;

    private final MethodHandle send;
    private final MethodHandle recv;
    private final int fd;
    private final byte[] request = new byte[REQUEST_SIZE];
    private final byte[] reply = new byte[8192];
    private final Object requestSegment;
    private final Object replySegment;
    private int seq;

    private SockDiag(MethodHandle send, MethodHandle recv, int fd, Method ofArray) throws ReflectiveOperationException {
        this.send = send;
        this.recv = recv;
        this.fd = fd;
        this.requestSegment = ofArray.invoke(null, (Object) request);
        this.replySegment = ofArray.invoke(null, (Object) reply);
    }

    /** The kernel's diagnostics socket; empty where there is none (not Linux, or refused). Kept open for the process's life. */
    static Optional<SockDiag> open() {
        if (!System.getProperty("os.name", "").startsWith("Linux")) {
            return Optional.empty();
        }
        try {
            Class<?> linkerType = Class.forName("java.lang.foreign.Linker");
            Class<?> optionType = Class.forName("java.lang.foreign.Linker$Option");
            Class<?> layoutType = Class.forName("java.lang.foreign.MemoryLayout");
            Class<?> valueLayout = Class.forName("java.lang.foreign.ValueLayout");
            Class<?> segmentType = Class.forName("java.lang.foreign.MemorySegment");
            Class<?> descriptorType = Class.forName("java.lang.foreign.FunctionDescriptor");
            Object linker = linkerType.getMethod("nativeLinker").invoke(null);
            Object libc = linkerType.getMethod("defaultLookup").invoke(linker);
            Method find = Class.forName("java.lang.foreign.SymbolLookup").getMethod("find", String.class);
            Object jint = valueLayout.getField("JAVA_INT").get(null);
            Object jlong = valueLayout.getField("JAVA_LONG").get(null);
            Object address = valueLayout.getField("ADDRESS").get(null);
            Method of = descriptorType.getMethod("of", layoutType, layoutType.arrayType());
            Method downcall = linkerType.getMethod("downcallHandle", segmentType, descriptorType, optionType.arrayType());
            Object options = Array.newInstance(optionType, 1);
            Array.set(options, 0, optionType.getMethod("critical", boolean.class).invoke(null, true)); // JDK 22+
            Object none = Array.newInstance(optionType, 0);

            Object socketArgs = layouts(layoutType, jint, jint, jint);
            Object ioArgs = layouts(layoutType, jint, address, jlong, jint);
            MethodHandle socket = (MethodHandle) downcall.invoke(linker, symbol(find, libc, "socket"), of.invoke(null, jint, socketArgs), none);
            MethodHandle send = (MethodHandle) downcall.invoke(linker, symbol(find, libc, "send"), of.invoke(null, jlong, ioArgs), options);
            MethodHandle recv = (MethodHandle) downcall.invoke(linker, symbol(find, libc, "recv"), of.invoke(null, jlong, ioArgs), options);
            int fd = (int) socket.invoke(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
            return fd < 0 ? Optional.empty() : Optional.of(new SockDiag(send, recv, fd, segmentType.getMethod("ofArray", byte[].class)));
        } catch (Throwable unavailable) {
            return Optional.empty(); // JDK 21, no native access, no such libc symbol: the caller reads /proc instead
        }
    }

    private static Object layouts(Class<?> layoutType, Object... layouts) {
        Object array = Array.newInstance(layoutType, layouts.length);
        for (int i = 0; i < layouts.length; i++) {
            Array.set(array, i, layouts[i]);
        }
        return array;
    }

    private static Object symbol(Method find, Object libc, String name) throws ReflectiveOperationException {
        return ((Optional<?>) find.invoke(libc, name)).orElseThrow(() -> new NoSuchMethodException(name));
    }

    /**
     * The kernel's TCP state (1 ESTABLISHED, 8 CLOSE_WAIT, 10 LISTEN when only the listener is left…) of
     * this machine's connection from {@code local} to {@code remote}; {@link #NONE} or {@link #UNKNOWN}.
     */
    synchronized int state(InetSocketAddress local, InetSocketAddress remote) {
        InetAddress l = local.getAddress();
        InetAddress r = remote.getAddress();
        if (l == null || r == null) {
            return UNKNOWN;
        }
        // an IPv4 connection is found by its IPv4 addresses even on a dual-stack (IPv6) listener
        boolean v4 = l instanceof Inet4Address && r instanceof Inet4Address;
        return lookup(v4 ? AF_INET : AF_INET6, bytes(l, v4), local.getPort(), bytes(r, v4), remote.getPort());
    }

    private int lookup(int family, byte[] local, int localPort, byte[] remote, int remotePort) {
        int id = ++seq;
        ByteBuffer req = ByteBuffer.wrap(request).order(ByteOrder.nativeOrder());
        Arrays.fill(request, (byte) 0);
        req.putInt(0, REQUEST_SIZE);                 // nlmsg_len
        req.putShort(4, SOCK_DIAG_BY_FAMILY);        // nlmsg_type
        req.putShort(6, NLM_F_REQUEST);              // one connection, not a dump
        req.putInt(8, id);                           // nlmsg_seq
        req.put(16, (byte) family);
        req.put(17, (byte) IPPROTO_TCP);
        req.putInt(20, -1);                          // idiag_states: any
        req.order(ByteOrder.BIG_ENDIAN).putShort(24, (short) localPort).putShort(26, (short) remotePort); // sport, dport
        req.put(28, local).put(44, remote);          // idiag_src, idiag_dst
        req.putInt(64, -1).putInt(68, -1);           // idiag_cookie: none
        try {
            if ((long) send.invoke(fd, requestSegment, (long) REQUEST_SIZE, 0) != REQUEST_SIZE) {
                return UNKNOWN;
            }
            ByteBuffer rep = ByteBuffer.wrap(reply).order(ByteOrder.nativeOrder());
            // the kernel answers within send(); a reply to an earlier lookup that was not read is skipped
            for (int tries = 0; tries < 4; tries++) {
                long n = (long) recv.invoke(fd, replySegment, (long) reply.length, MSG_DONTWAIT);
                if (n < 20) {
                    return UNKNOWN;
                }
                if (rep.getInt(8) != id) {
                    continue;
                }
                short type = rep.getShort(4);
                if (type == NLMSG_ERROR) {
                    return rep.getInt(16) == -ENOENT ? NONE : UNKNOWN;
                }
                return type == SOCK_DIAG_BY_FAMILY ? reply[17] & 0xff : UNKNOWN;
            }
            return UNKNOWN;
        } catch (Throwable e) {
            return UNKNOWN;
        }
    }

    /** The address as inet_diag_sockid holds it: 4 bytes for IPv4, else 16 (IPv4 as ::ffff:a.b.c.d). */
    private static byte[] bytes(InetAddress a, boolean v4) {
        byte[] raw = a.getAddress();
        if (v4 || raw.length == 16) {
            return raw;
        }
        byte[] mapped = new byte[16];
        mapped[10] = (byte) 0xff;
        mapped[11] = (byte) 0xff;
        System.arraycopy(raw, 0, mapped, 12, 4);
        return mapped;
    }
}
