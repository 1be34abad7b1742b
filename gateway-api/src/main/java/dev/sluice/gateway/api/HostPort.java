package dev.sluice.gateway.api;

import java.util.Objects;

/**
 * A host name (or literal IP address) and a TCP port: an address a client can connect to.
 *
 * <p>Immutable and thread-safe. Construction validates: the host must not be blank and the port
 * must be in {@code 1..65535} (port 0, "any free port", is a bind request, not an address).
 *
 * <pre>{@code
 * HostPort upstream = HostPort.parse("kafka-1.internal:9092");
 * HostPort ipv6 = HostPort.parse("[::1]:9092");
 * }</pre>
 *
 * @param host the host name or IP literal, without brackets for IPv6
 * @param port the TCP port, 1..65535
 */
public record HostPort(String host, int port) {

    public HostPort {
        Objects.requireNonNull(host, "host");
        if (host.isBlank()) {
            throw new IllegalArgumentException("host must not be blank");
        }
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("port must be in 1..65535, was " + port);
        }
    }

    /**
     * Parses {@code host:port}, {@code [ipv6]:port}.
     *
     * @throws IllegalArgumentException with the offending text when it is not of that form
     */
    public static HostPort parse(String text) {
        Objects.requireNonNull(text, "text");
        String trimmed = text.trim();
        int colon = trimmed.lastIndexOf(':');
        if (colon <= 0 || colon == trimmed.length() - 1) {
            throw new IllegalArgumentException("expected HOST:PORT, got '" + text + "'");
        }
        String host = trimmed.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(trimmed.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("expected HOST:PORT, got '" + text + "'", e);
        }
        return new HostPort(host, port);
    }

    /** {@code host:port}, with brackets around an IPv6 literal. */
    @Override
    public String toString() {
        return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
    }
}
