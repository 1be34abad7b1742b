package dev.sluice.gateway.api;

/**
 * The root of Sluice's small, unchecked exception tree.
 *
 * <p>Thrown for misconfiguration detected at build or start time and for failures of the
 * gateway's lifecycle. Failures of a single request never surface as exceptions to the host: they
 * become a Kafka error response for that request, or a closed connection when the stream is
 * corrupt.
 */
public class GatewayException extends RuntimeException {

    public GatewayException(String message) {
        super(message);
    }

    public GatewayException(String message, Throwable cause) {
        super(message, cause);
    }
}
