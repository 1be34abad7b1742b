package dev.sluice.gateway.testkit;

/**
 * The ports of one forked node's listeners. {@link #plaintext} is always there (the controller's
 * CONTROLLER listener, a broker's PLAINTEXT one); the others are 0 if the node has no such listener.
 *
 * @param plaintext the PLAINTEXT (broker) or CONTROLLER (controller) listener's port
 * @param tls the SSL listener's port, 0 for none
 * @param sasl the SASL_PLAINTEXT listener's port, 0 for none
 */
record ListenerPorts(int plaintext, int tls, int sasl) {

    ListenerPorts {
        if (plaintext <= 0 || tls < 0 || sasl < 0) {
            throw new IllegalArgumentException(
                    "ports must be positive (0 for an absent listener), were " + plaintext + ", " + tls + ", " + sasl);
        }
    }

    /** A node with one listener only. */
    static ListenerPorts only(int port) {
        return new ListenerPorts(port, 0, 0);
    }
}
