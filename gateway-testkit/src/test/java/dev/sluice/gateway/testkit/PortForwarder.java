package dev.sluice.gateway.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP relay for tests, from {@code 127.0.0.1:listenPort} to {@code 127.0.0.1:targetPort}: the
 * stand-in for a relay in front of a broker's advertised listener. Blocking sockets, two daemon
 * threads per connection; the end of either direction closes both sockets. Thread-safe.
 */
final class PortForwarder implements AutoCloseable {
    private static final int BUFFER_BYTES = 64 * 1024;

    private final ServerSocket server;
    private final int targetPort;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final AtomicInteger accepted = new AtomicInteger();

    private PortForwarder(ServerSocket server, int targetPort) {
        this.server = server;
        this.targetPort = targetPort;
    }

    static PortForwarder start(int listenPort, int targetPort) throws IOException {
        ServerSocket server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(new InetSocketAddress("127.0.0.1", listenPort));
        PortForwarder forwarder = new PortForwarder(server, targetPort);
        daemon("port-forwarder-accept", forwarder::accept);
        return forwarder;
    }

    /** Connections accepted so far. */
    int accepted() {
        return accepted.get();
    }

    private void accept() {
        while (!server.isClosed()) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                return; // closed
            }
            accepted.incrementAndGet();
            sockets.add(client);
            Socket target = new Socket();
            sockets.add(target);
            try {
                target.connect(new InetSocketAddress("127.0.0.1", targetPort), 2_000);
            } catch (IOException e) {
                closeBoth(client, target);
                continue;
            }
            daemon("port-forwarder-in", () -> copy(client, target));
            daemon("port-forwarder-out", () -> copy(target, client));
        }
    }

    private void copy(Socket from, Socket to) {
        byte[] buffer = new byte[BUFFER_BYTES];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            int n;
            while ((n = in.read(buffer)) >= 0) {
                out.write(buffer, 0, n);
            }
        } catch (IOException e) {
            // either side went away: close both below
        } finally {
            closeBoth(from, to);
        }
    }

    private void closeBoth(Socket a, Socket b) {
        for (Socket socket : new Socket[] {a, b}) {
            sockets.remove(socket);
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing a broken socket changes nothing
            }
        }
    }

    private static void daemon(String name, Runnable task) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket socket : sockets) {
            socket.close();
        }
    }
}
