package dev.sluice.gateway.benchmarks.e2e;

import java.util.Locale;

/** What the three paths carry in one part of the run. */
enum Scenario {
    /** Plaintext, and a gateway with no interceptor: the pure cost of the hop. */
    PLAIN("no interceptor"),
    /** Plaintext, and a gateway whose {@link StampInterceptor} rewrites every produced record. */
    INTERCEPTOR("record-level interceptor (gateway only)"),
    /**
     * TLS between client and first hop: the broker's SSL listener (direct), HAProxy terminating TLS
     * (relay), the gateway terminating TLS (gateway); relay and gateway speak plaintext to the broker.
     */
    TLS("TLS on the client side");

    private final String title;

    Scenario(String title) {
        this.title = title;
    }

    String title() {
        return title;
    }

    String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    static Scenario of(String id) {
        return valueOf(id.trim().toUpperCase(Locale.ROOT));
    }
}
