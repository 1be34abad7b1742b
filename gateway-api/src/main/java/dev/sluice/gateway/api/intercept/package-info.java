/**
 * Interceptors: gateway behaviour written in plain Java.
 *
 * <p>An {@link dev.sluice.gateway.api.intercept.Interceptor} sees the requests of the API keys it
 * registered for ({@link dev.sluice.gateway.api.intercept.InterceptorSpec}), decoded, and their
 * responses. It can pass a request on unchanged or changed, answer it itself, fail it with a Kafka
 * error, send its own requests upstream, or close the connection. Requests of every other API key
 * never leave the byte level: an interceptor that watches CreateTopics costs Produce and Fetch
 * nothing.
 *
 * <pre>{@code
 * // Refuse topic names outside the "team-a." namespace.
 * Interceptor namespace = chain -> {
 *     CreateTopicsRequestData create = chain.request().body(Api.CREATE_TOPICS);
 *     for (var topic : create.topics()) {
 *         if (!topic.name().startsWith("team-a.")) {
 *             return chain.fail(Errors.POLICY_VIOLATION, "topic " + topic.name() + " is outside team-a.");
 *         }
 *     }
 *     return chain.proceed();
 * };
 * Gateway.builder()...intercept(InterceptorSpec.on(Api.CREATE_TOPICS).use(namespace))...
 * }</pre>
 *
 * <h2>The kafka-clients seam</h2>
 * Request and response bodies are kafka-clients' generated message classes ({@code
 * org.apache.kafka.common.message.*Data}), and API keys and errors are its {@code ApiKeys} and
 * {@code Errors}. They follow the kafka-clients version Sluice is built with (4.3.1): Kafka does not
 * promise their stability, so an upgrade of Sluice that moves to a newer kafka-clients may change
 * them. Nothing else of kafka-clients appears in Sluice's API.
 */
@NullMarked
package dev.sluice.gateway.api.intercept;

import org.jspecify.annotations.NullMarked;
