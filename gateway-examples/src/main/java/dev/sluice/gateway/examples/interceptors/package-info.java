/**
 * Example interceptors: complete, tested gateway behaviours written against the interceptor SPI
 * ({@link dev.sluice.gateway.api.intercept}), to use as they are or to copy and adapt.
 *
 * <table>
 *   <caption>The examples</caption>
 *   <tr><th>Class</th><th>Registers on</th><th>Does</th></tr>
 *   <tr><td>{@link dev.sluice.gateway.examples.interceptors.SafeguardPolicy}</td>
 *       <td>Produce, CreateTopics</td>
 *       <td>refuses {@code acks} other than {@code all}, topics outside a name pattern or partition and
 *       replication bounds, and clients without a {@code client.id}</td></tr>
 *   <tr><td>{@link dev.sluice.gateway.examples.interceptors.ChaosInterceptor}</td>
 *       <td>Produce, Fetch (configurable)</td>
 *       <td>injects latency, broker errors and dropped connections at seeded random rates</td></tr>
 *   <tr><td>{@link dev.sluice.gateway.examples.interceptors.AuditInterceptor}</td>
 *       <td>the APIs that change the cluster (configurable)</td>
 *       <td>one {@link dev.sluice.gateway.examples.interceptors.AuditEvent} per request: who, what,
 *       which topics, outcome, latency</td></tr>
 *   <tr><td>{@link dev.sluice.gateway.examples.interceptors.LineageInterceptor}</td>
 *       <td>Produce</td>
 *       <td>stamps produced records with headers naming the gateway, client and principal</td></tr>
 * </table>
 *
 * <pre>{@code
 * Gateway.builder()
 *     ...
 *     .intercept(SafeguardPolicy.builder().topicNames(Pattern.compile("team-a\\..+")).build().spec())
 *     .intercept(AuditInterceptor.builder().sink(AuditSink.slf4j()).build().spec())
 *     .build();
 * }</pre>
 *
 * <p>Each class is immutable once built, thread-safe, and registered with the {@link
 * dev.sluice.gateway.api.intercept.InterceptorSpec} its {@code spec()} returns. To narrow an example
 * to some clients, or to register it on other APIs, build your own spec around the same instance:
 * {@code InterceptorSpec.on(Api.PRODUCE).when(c -> ...).use(policy)}.
 *
 * <p>Request and response bodies are kafka-clients' message classes; {@link
 * dev.sluice.gateway.examples.interceptors.LineageInterceptor} also uses its record classes ({@code
 * org.apache.kafka.common.record.internal}), which Kafka moves between releases. Both follow the
 * kafka-clients version Sluice is built with.
 *
 * <p>Every type is null-hostile unless a parameter or return value says {@code @Nullable}.
 */
@NullMarked
package dev.sluice.gateway.examples.interceptors;

import org.jspecify.annotations.NullMarked;
