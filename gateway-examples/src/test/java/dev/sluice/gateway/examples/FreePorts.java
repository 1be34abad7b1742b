package dev.sluice.gateway.examples;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/** Blocks of consecutive free loopback ports, for gateways under test (public: the interceptor tests use it too). */
public final class FreePorts {

    private FreePorts() {}

    /** The first of {@code count} consecutive loopback ports that were free a moment ago. */
    public static int block(int count) {
        for (int attempt = 0; attempt < 200; attempt++) {
            int base = ThreadLocalRandom.current().nextInt(20_000, 60_000 - count);
            if (allFree(base, count)) {
                return base;
            }
        }
        throw new IllegalStateException("no block of " + count + " free ports found");
    }

    private static boolean allFree(int base, int count) {
        List<ServerSocket> probes = new ArrayList<>();
        try {
            for (int port = base; port < base + count; port++) {
                ServerSocket probe = new ServerSocket();
                probes.add(probe);
                probe.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            }
            return true;
        } catch (IOException e) {
            return false;
        } finally {
            for (ServerSocket probe : probes) {
                try {
                    probe.close();
                } catch (IOException e) {
                    throw new IllegalStateException("closing probe socket on port " + probe.getLocalPort(), e);
                }
            }
        }
    }
}
