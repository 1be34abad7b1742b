/**
 * The end-to-end harness of the gateway: the same producer and consumer load run directly against
 * a real broker, through a plain TCP relay (HAProxy) and through a Sluice gateway, in alternating
 * order over several rounds, for three scenarios (no interceptor, a record-level interceptor, TLS on
 * the client side).
 *
 * <pre>
 *   EndToEnd (orchestrator JVM) ──┬── controller + broker     ForkedKafkaCluster, one child JVM each
 *                                 ├── haproxy                  127.0.0.1:R  →  broker's RELAY listener,
 *                                 │                            which advertises 127.0.0.1:R
 *                                 ├── GatewayMain              its own JVM, 127.0.0.1:G  →  broker
 *                                 └── LoadMain                 one JVM per path and round: produce,
 *                                                              consume, then end-to-end latency
 * </pre>
 *
 * <p>Benchmarks, not tests: nothing here runs during a Maven build. Start it with {@code
 * gateway-benchmarks/e2e.sh}; see the module's README and {@code RESULTS.md}.
 */
@NullMarked
package dev.sluice.gateway.benchmarks.e2e;

import org.jspecify.annotations.NullMarked;
