package dev.sluice.gateway.testkit.intercept;

import dev.sluice.gateway.api.intercept.KafkaRequest;
import dev.sluice.gateway.api.intercept.KafkaResponse;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.MessageUtil;

/**
 * Bodies through their encoding, as the gateway sees them: decoded from the bytes of a version, so
 * that interceptors get objects of their own and a body the version cannot carry fails here, with
 * the API and version named, instead of somewhere in the chain.
 */
final class Wire {

    private Wire() {}

    /** {@code request} as the gateway would decode it from a client's bytes. */
    static KafkaRequest decoded(KafkaRequest request) {
        ApiMessage copy = request.apiKey().messageType.newRequest();
        copy.read(encode(request.body(), request.apiKey(), request.apiVersion(), "request"), request.apiVersion());
        return KafkaRequest.of(request.apiKey(), request.apiVersion(), request.clientId(), copy);
    }

    /** The broker's answer {@code body} to {@code request}, as the gateway would decode it. */
    static KafkaResponse response(KafkaRequest request, ApiMessage body) {
        ApiKeys key = request.apiKey();
        if (body.apiKey() != key.id) {
            throw new IllegalArgumentException("a " + body.getClass().getSimpleName() + " does not answer a " + request
                    + " request");
        }
        ApiMessage copy = key.messageType.newResponse();
        copy.read(encode(body, key, request.apiVersion(), "response"), request.apiVersion());
        return KafkaResponse.of(key, request.apiVersion(), copy);
    }

    /** Encodes {@code body} at {@code version}, or says which API, version and field stand in the way. */
    static ByteBufferAccessor encode(ApiMessage body, ApiKeys key, short version, String what) {
        try {
            return MessageUtil.toByteBufferAccessor(body, version);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("this " + key.name + " v" + version + " " + what
                    + " cannot be encoded at its version: " + e.getMessage(), e);
        }
    }
}
