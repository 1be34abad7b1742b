package dev.sluice.gateway.api.observe;

/** The listener of {@link GatewayEventListener#noop()}. */
enum NoopListener implements GatewayEventListener {
    INSTANCE
}
