package dev.sluice.gateway.benchmarks.e2e;

import dev.sluice.gateway.Gateway;
import dev.sluice.gateway.GatewayBuilder;
import dev.sluice.gateway.routing.PortPerBrokerRouting;
import dev.sluice.gateway.tls.KeyMaterial;
import dev.sluice.gateway.tls.ServerTls;
import dev.sluice.gateway.tls.TlsProvider;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The gateway's process in the harness: a Sluice gateway in a JVM of its own, so that it does not
 * share a heap, a JIT or GC pauses with the load generator (the broker and HAProxy are separate
 * processes too). Prints {@code READY <host:port>} once it serves, and closes when its standard input
 * ends, which is when the harness closes it or dies.
 *
 * <p>Arguments, {@code key=value}: {@code upstream} (bootstrap of the broker), {@code port} (bootstrap
 * port), {@code brokerPort} (port of broker {@code brokerId}, default 0), {@code interceptor}
 * ({@code true} for {@link StampInterceptor}), {@code tlsCert}, {@code tlsKey} (PEM files: TLS on the
 * client side) and {@code tlsProvider} ({@code JDK} or {@code OPENSSL}).
 */
public final class GatewayMain {

    private GatewayMain() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> options = Args.parse(args);
        int port = Integer.parseInt(Args.required(options, "port"));
        int brokerPort = Integer.parseInt(Args.required(options, "brokerPort"));
        int brokerId = Integer.parseInt(options.getOrDefault("brokerId", "0"));
        PortPerBrokerRouting routing = PortPerBrokerRouting.builder()
                .advertisedHost("localhost")
                .bootstrapPort(port)
                .brokerPort(brokerId, brokerPort)
                .maxBrokers(1)
                .firstBrokerPort(brokerPort)
                .build();
        GatewayBuilder builder = Gateway.builder()
                .name("e2e")
                .upstream(Args.required(options, "upstream"))
                .bindAddress("127.0.0.1");
        String cert = options.get("tlsCert");
        if (cert != null) {
            ServerTls tls = ServerTls.builder(KeyMaterial.pem(Path.of(cert), Path.of(Args.required(options, "tlsKey"))))
                    .provider(TlsProvider.valueOf(options.getOrDefault("tlsProvider", "JDK")))
                    .build();
            builder.routing(routing, tls);
        } else {
            builder.routing(routing);
        }
        if (Boolean.parseBoolean(options.getOrDefault("interceptor", "false"))) {
            builder.intercept(StampInterceptor.spec());
        }
        Gateway gateway = builder.build();
        gateway.start().toCompletableFuture().get(60, TimeUnit.SECONDS);
        System.out.println("READY " + gateway.bootstrapAddress());
        System.out.flush();
        awaitEndOfInput(System.in);
        gateway.close();
        System.exit(0);
    }

    private static void awaitEndOfInput(InputStream in) throws IOException {
        byte[] buffer = new byte[256];
        while (in.read(buffer) >= 0) {
            // the harness writes nothing; end of input means "stop"
        }
    }
}
