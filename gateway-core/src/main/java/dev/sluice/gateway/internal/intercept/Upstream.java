package dev.sluice.gateway.internal.intercept;

import dev.sluice.gateway.api.intercept.KafkaRequest;
import dev.sluice.gateway.api.intercept.KafkaResponse;
import java.util.concurrent.CompletionStage;

/**
 * What lies past the last interceptor of a connection: the broker (or, in the test kit, a script).
 * Stages it returns complete on the connection's event loop.
 */
public interface Upstream {

    /** Sends the client's (possibly changed) request on to the broker. */
    CompletionStage<KafkaResponse> forward(KafkaRequest request);

    /** Sends a request of the gateway's own on the same upstream connection; the client never sees it. */
    CompletionStage<KafkaResponse> send(KafkaRequest request);

    /** Closes the client connection after the responses to its earlier requests. */
    void closeClient(String reason);
}
