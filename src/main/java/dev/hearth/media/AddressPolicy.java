package dev.hearth.media;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Which addresses Hearth may fetch a client-named URL from. Hearth runs next to things a client
 * must not reach through it: its own admin port on loopback, databases on the private network,
 * and the cloud metadata service at 169.254.169.254 that hands out credentials. So a URL is
 * refused when ANY address its host resolves to is internal — checking only the first would let
 * a host with one public and one private record through, since the client picks which is used.
 *
 * <p>Known gap: the HTTP client resolves the name again when it connects, so a DNS server that
 * answers differently the second time (rebinding) could slip past; pinning the checked address
 * needs a custom resolver and is left for later. Redirect targets are checked hop by hop.
 */
final class AddressPolicy {
    private AddressPolicy() {}

    /** Why the address is internal, or null when it is public. */
    static String internalReason(InetAddress a) {
        if (a.isLoopbackAddress()) {
            return "loopback";
        }
        if (a.isAnyLocalAddress()) {
            return "unspecified";
        }
        if (a.isLinkLocalAddress()) {
            return "link-local"; // 169.254/16 (cloud metadata) and fe80::/10
        }
        if (a.isSiteLocalAddress()) {
            return "private"; // 10/8, 172.16/12, 192.168/16, fec0::/10
        }
        if (a.isMulticastAddress()) {
            return "multicast";
        }
        byte[] b = a.getAddress();
        if (a instanceof Inet4Address) {
            return internalV4(b);
        }
        if (a instanceof Inet6Address) {
            if ((b[0] & 0xFE) == 0xFC) {
                return "private"; // fc00::/7 unique local
            }
            // IPv6 forms that carry an IPv4 address a stack may route to: mapped ::ffff:a.b.c.d,
            // NAT64 64:ff9b::/96 and 6to4 2002::/16. Judge the IPv4 address inside.
            byte[] v4 = embeddedV4(b);
            if (v4 != null) {
                try {
                    return internalReason(InetAddress.getByAddress(v4));
                } catch (UnknownHostException e) {
                    return "malformed";
                }
            }
        }
        return null;
    }

    private static String internalV4(byte[] b) {
        int b0 = b[0] & 0xFF;
        int b1 = b[1] & 0xFF;
        if (b0 == 0) {
            return "unspecified"; // 0/8: "this network"; 0.0.0.0 reaches localhost on Linux
        }
        if (b0 == 100 && (b1 & 0xC0) == 64) {
            return "private"; // 100.64/10 carrier-grade NAT, often internal in clouds
        }
        if (b0 == 198 && (b1 == 18 || b1 == 19)) {
            return "private"; // 198.18/15 benchmarking, used internally
        }
        if (b0 >= 240) {
            return "reserved"; // 240/4 and the broadcast address
        }
        return null;
    }

    private static byte[] embeddedV4(byte[] b) {
        boolean mapped = true;
        for (int i = 0; i < 10; i++) {
            mapped &= b[i] == 0;
        }
        if (mapped && (b[10] & 0xFF) == 0xFF && (b[11] & 0xFF) == 0xFF) {
            return new byte[] {b[12], b[13], b[14], b[15]};
        }
        boolean nat64 = (b[0] & 0xFF) == 0x00 && (b[1] & 0xFF) == 0x64 && (b[2] & 0xFF) == 0xFF && (b[3] & 0xFF) == 0x9B;
        for (int i = 4; i < 12 && nat64; i++) {
            nat64 = b[i] == 0;
        }
        if (nat64) {
            return new byte[] {b[12], b[13], b[14], b[15]};
        }
        if ((b[0] & 0xFF) == 0x20 && (b[1] & 0xFF) == 0x02) {
            return new byte[] {b[2], b[3], b[4], b[5]};
        }
        return null;
    }
}
