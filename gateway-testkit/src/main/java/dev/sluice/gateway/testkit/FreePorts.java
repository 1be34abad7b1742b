package dev.sluice.gateway.testkit;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Blocks of consecutive free TCP ports on loopback, for gateways under test: a port-per-broker
 * gateway needs a bootstrap port and one port per broker after it.
 *
 * <pre>{@code
 * int port = FreePorts.block(8);          // port .. port + 7 were free a moment ago
 * PortPerBrokerRouting.builder().advertisedHost("127.0.0.1").bootstrapPort(port).maxBrokers(7).build();
 * }</pre>
 *
 * <p>Thread-safe. Pitfall: the ports are free when checked, not reserved; another process may take
 * one before the gateway binds it (the gateway's {@code start()} then fails, naming the port). Blocks
 * are picked at random in 20000..60000 to make that unlikely.
 */
public final class FreePorts {

    private static final int LOWEST = 20_000;
    private static final int HIGHEST = 60_000;
    private static final int ATTEMPTS = 200;

    private FreePorts() {}

    /**
     * The first port of {@code count} consecutive ports that were free on loopback a moment ago.
     *
     * @throws IllegalArgumentException when {@code count} is not in 1..1000
     * @throws IllegalStateException when no such block was found
     */
    public static int block(int count) {
        if (count < 1 || count > 1_000) {
            throw new IllegalArgumentException("count must be in 1..1000, was " + count);
        }
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            int base = ThreadLocalRandom.current().nextInt(LOWEST, HIGHEST - count);
            if (allFree(base, count)) {
                return base;
            }
        }
        throw new IllegalStateException("no block of " + count + " free ports found in " + ATTEMPTS + " attempts");
    }

    private static boolean allFree(int base, int count) {
        List<ServerSocket> held = new ArrayList<>();
        try {
            for (int port = base; port < base + count; port++) {
                ServerSocket socket = new ServerSocket();
                held.add(socket);
                socket.setReuseAddress(true);
                socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            }
            return true;
        } catch (IOException e) {
            return false;
        } finally {
            for (ServerSocket socket : held) {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // a probe socket that will not close changes nothing
                }
            }
        }
    }
}
