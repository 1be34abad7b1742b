/**
 * Unit tests for interceptors without a network: {@link
 * dev.sluice.gateway.testkit.intercept.InterceptorTester} runs the gateway's own interceptor chain
 * over requests built with kafka-clients' message classes, with a scripted broker ({@link
 * dev.sluice.gateway.testkit.intercept.BrokerScript}), a connection identity of the test's choosing
 * ({@link dev.sluice.gateway.testkit.intercept.TestConnectionContext}) and a virtual clock.
 *
 * <pre>{@code
 * InterceptorTester tester = InterceptorTester.of(InterceptorSpec.on(Api.PRODUCE).name("acks").use(new RequireAcksAll()));
 *
 * Exchange exchange = tester.send(KafkaRequest.of(Api.PRODUCE, (short) 11, produceWithAcks((short) 1)));
 *
 * assertThat(exchange.forwarded()).isEmpty();
 * assertThat(exchange.error()).isEqualTo(Errors.POLICY_VIOLATION);
 * }</pre>
 *
 * <p>What the tester reports:
 * <ul>
 *   <li>{@link dev.sluice.gateway.testkit.intercept.Exchange}: one request; what went upstream, the
 *       client's response and its error codes, or the connection an interceptor closed;
 *   <li>{@link dev.sluice.gateway.testkit.intercept.UpstreamCall}: a request that reached the broker,
 *       to answer when the script did not;
 *   <li>{@link dev.sluice.gateway.testkit.intercept.ReportedFailure}: what the gateway would log and
 *       report to its event listener.
 * </ul>
 *
 * <h2>Version coupling</h2>
 * A module of its own ({@code dev.sluice:gateway-interceptor-testkit}), for test scope: it runs
 * {@code gateway-core}'s chain engine, and must have the same version as the {@code gateway-core} it
 * tests for. Bodies are kafka-clients' message classes, of the kafka-clients version Sluice is built
 * with, as in {@link dev.sluice.gateway.api.intercept}.
 *
 * <p>Every type is null-hostile unless a parameter or return value says {@code @Nullable}.
 */
@NullMarked
package dev.sluice.gateway.testkit.intercept;

import org.jspecify.annotations.NullMarked;
