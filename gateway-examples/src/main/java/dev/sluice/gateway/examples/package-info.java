/**
 * Runnable gateways built on Sluice. The first is the demo launcher: a gateway in front of an
 * existing Kafka cluster, or in front of an embedded one it starts itself, in one command.
 *
 * <pre>
 * java -jar gateway-examples/target/gateway-examples-demo.jar                  # embedded Kafka, bootstrap localhost:9192
 * java -jar gateway-examples/target/gateway-examples-demo.jar --bootstrap kafka:9092 --advertised-host gw.example.com
 * java -jar gateway-examples/target/gateway-examples-demo.jar --interceptor safeguard --interceptor lineage
 * java -jar gateway-examples/target/gateway-examples-demo.jar --sni-domain kafka.test --tls-generate tls   # SNI over TLS
 * </pre>
 *
 * <p>{@link dev.sluice.gateway.examples.DemoLauncher} is the command line: it parses the arguments
 * with {@link dev.sluice.gateway.examples.DemoOptions} (the SNI settings in {@link
 * dev.sluice.gateway.examples.SniOptions}), runs a {@link
 * dev.sluice.gateway.examples.Demo} and turns SIGINT and SIGTERM into a clean stop with exit code 0.
 * {@code Demo} itself never exits the JVM, so tests and other programs can run it in-process.
 * {@link dev.sluice.gateway.examples.DemoInterceptor} names the example interceptors of {@link
 * dev.sluice.gateway.examples.interceptors} that {@code --interceptor} registers.
 *
 * <p>Every type is null-hostile unless a parameter or return value says {@code @Nullable}.
 */
@NullMarked
package dev.sluice.gateway.examples;

import org.jspecify.annotations.NullMarked;
