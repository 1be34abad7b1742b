package dev.sluice.gateway.tls;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/** The validation {@link ServerTls.Builder} and {@link UpstreamTls.Builder} share. */
final class Checks {
    /** TLS versions by their JSSE names; SSLv3 and older are not TLS and are refused outright. */
    static final Set<String> KNOWN_PROTOCOLS = Set.of("TLSv1.3", "TLSv1.2", "TLSv1.1", "TLSv1");
    static final List<String> DEFAULT_PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");
    static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);
    static final Duration DEFAULT_RELOAD_INTERVAL = Duration.ofSeconds(10);
    /** Checking files more often than this is a busy loop, not a configuration. */
    static final Duration MIN_RELOAD_INTERVAL = Duration.ofMillis(100);

    private Checks() {}

    static List<String> protocols(String... protocols) {
        List<String> list = names("protocols", protocols);
        if (list.isEmpty()) {
            throw new IllegalArgumentException("protocols must name at least one, e.g. TLSv1.3");
        }
        for (String protocol : list) {
            if (!KNOWN_PROTOCOLS.contains(protocol)) {
                throw new IllegalArgumentException("unknown protocol '" + protocol + "'; known: TLSv1.3, TLSv1.2, TLSv1.1, TLSv1");
            }
        }
        return list;
    }

    static List<String> cipherSuites(String... cipherSuites) {
        return names("cipherSuites", cipherSuites);
    }

    private static List<String> names(String what, String... names) {
        Objects.requireNonNull(names, what);
        List<String> list = new ArrayList<>(names.length);
        for (String name : names) {
            Objects.requireNonNull(name, what + " element");
            if (name.isBlank()) {
                throw new IllegalArgumentException(what + " must not contain a blank name, was '" + name + "'");
            }
            if (list.contains(name)) {
                throw new IllegalArgumentException(what + " names '" + name + "' twice");
            }
            list.add(name);
        }
        return List.copyOf(list);
    }

    static Duration positive(String what, Duration value) {
        Objects.requireNonNull(value, what);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(what + " must be positive, was " + value);
        }
        return value;
    }

    static Duration reloadInterval(Duration value) {
        Objects.requireNonNull(value, "reloadInterval");
        if (!value.isZero() && value.compareTo(MIN_RELOAD_INTERVAL) < 0) {
            throw new IllegalArgumentException("reloadInterval must be zero (no reloading) or at least "
                    + MIN_RELOAD_INTERVAL.toMillis() + " ms, was " + value);
        }
        return value;
    }
}
