package dev.sluice.gateway.examples.interceptors;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.jspecify.annotations.Nullable;

/**
 * What one audited request was: who sent it, what it asked for, how it ended and how long it took.
 *
 * <pre>{@code
 * AuditSink denied = event -> {
 *     if (event.errors().containsKey(Errors.TOPIC_AUTHORIZATION_FAILED)) {
 *         alerts.send(event.principal() + " was denied " + event.api() + " on " + event.topics());
 *     }
 * };
 * }</pre>
 *
 * @param time when the request reached the audit interceptor
 * @param gateway the gateway's name
 * @param connectionId the connection's number, unique in the gateway, to correlate events
 * @param remoteAddress the client's address
 * @param clientId the client id of the request header, or {@code null} when it carried none
 * @param principal the SASL username, else the TLS client certificate's subject, else {@code null}
 * @param api the request's API key
 * @param apiVersion the request's version
 * @param topics the topics the request names, each once, in request order; {@code "*"} (not a legal
 *     topic name) for "every topic" (Metadata and OffsetFetch with a null topic list); topics
 *     named by id appear by name when the gateway has seen the id in a response
 * @param unresolvedTopicIds the ids of topics named by id only, whose name the gateway has not seen
 * @param outcome whether the client got a response
 * @param errors the error codes in the response other than {@code NONE}, with how often each occurs
 *     (top level, per topic and per partition alike); empty when the request succeeded or got no
 *     response
 * @param latency from the request reaching the audit interceptor to its response coming back to it:
 *     the broker's time and that of the interceptors after this one
 */
public record AuditEvent(
        Instant time,
        String gateway,
        long connectionId,
        InetSocketAddress remoteAddress,
        @Nullable String clientId,
        @Nullable String principal,
        ApiKeys api,
        short apiVersion,
        List<String> topics,
        List<String> unresolvedTopicIds,
        Outcome outcome,
        Map<Errors, Integer> errors,
        Duration latency) {

    /** How an audited request ended. */
    public enum Outcome {
        /** The client got a response (which may still carry errors: see {@link #errors()}). */
        RESPONDED,
        /** No response: a later interceptor closed the connection, or the upstream connection failed. */
        NO_RESPONSE
    }

    public AuditEvent {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(gateway, "gateway");
        Objects.requireNonNull(remoteAddress, "remoteAddress");
        Objects.requireNonNull(api, "api");
        topics = List.copyOf(topics);
        unresolvedTopicIds = List.copyOf(unresolvedTopicIds);
        Objects.requireNonNull(outcome, "outcome");
        errors = Map.copyOf(errors);
        if (errors.containsKey(Errors.NONE)) {
            throw new IllegalArgumentException("errors must not count NONE, got " + errors);
        }
        Objects.requireNonNull(latency, "latency");
    }

    /** How many error codes other than {@code NONE} the response carried. */
    public int errorCount() {
        int count = 0;
        for (int each : errors.values()) {
            count += each;
        }
        return count;
    }

    /** Whether the client got a response without any error in it. */
    public boolean succeeded() {
        return outcome == Outcome.RESPONDED && errors.isEmpty();
    }
}
