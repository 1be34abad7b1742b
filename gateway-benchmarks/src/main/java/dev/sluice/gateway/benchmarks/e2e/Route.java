package dev.sluice.gateway.benchmarks.e2e;

/** The way the load reaches the broker. The relay is measured twice a round, to show the noise. */
enum Route {
    DIRECT("direct"),
    RELAY("relay"),
    RELAY_AGAIN("relay (2nd)"),
    GATEWAY("gateway");

    private final String label;

    Route(String label) {
        this.label = label;
    }

    String label() {
        return label;
    }
}
