package dev.sluice.gateway.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A plain TCP load balancer for tests: the external load balancer in front of several gateway nodes.
 * It listens on one host and a set of ports; a connection accepted on port {@code P} is relayed to
 * port {@code P} of one backend host, chosen round robin among the backends that accept a connection
 * on {@code P} now.
 *
 * <pre>
 *   client ──► 127.0.0.10:P ──► 127.0.0.11:P   (round robin; a refused connect tries the next host)
 *                           ──► 127.0.0.12:P
 *                           ──► 127.0.0.13:P
 * </pre>
 *
 * <pre>{@code
 * int port = FreePorts.block(8);
 * List<Integer> ports = IntStream.range(port, port + 8).boxed().toList();
 * try (TcpBalancer lb = TcpBalancer.start("127.0.0.10", ports, List.of("127.0.0.11", "127.0.0.12"))) {
 *     // gateways bind 127.0.0.11 and .12 on the same ports and advertise 127.0.0.10
 * }
 * }</pre>
 *
 * <h2>Behaviour</h2>
 * <ul>
 *   <li>Bytes are copied as they arrive, both ways. End of stream on one side half-closes the other
 *       side's output; the connection is closed once both directions ended. A read or write error on
 *       either side closes both sockets, so a backend that dies resets its clients, as a real
 *       layer-4 balancer does.
 *   <li>When no backend accepts on {@code P}, the client's connection is closed at once.
 *   <li>Backends removed with {@link #removeBackend} get no new connections; relayed ones go on.
 * </ul>
 *
 * <h2>Threading</h2>
 * Thread-safe. Blocking sockets on daemon platform threads named {@code tcp-balancer-N}: one per
 * listening port, two per relayed connection. {@link #close} stops and joins all of them.
 *
 * <h2>Pitfalls</h2>
 * <ul>
 *   <li>Built for a handful of connections, not for load: every connection costs two threads.
 *   <li>The listen host MUST differ from the backend hosts when ports are shared (on Linux any
 *       {@code 127.x.y.z} works).
 * </ul>
 */
public final class TcpBalancer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TcpBalancer.class);
    private static final AtomicInteger THREAD_IDS = new AtomicInteger();
    private static final int CONNECT_TIMEOUT_MILLIS = 2_000;
    private static final int BUFFER_BYTES = 64 * 1024;
    private static final long STOP_TIMEOUT_NANOS = 5_000_000_000L;

    private final String listenHost;
    private final CopyOnWriteArrayList<String> backends;
    private final List<ServerSocket> servers = new ArrayList<>();
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final Set<Thread> threads = ConcurrentHashMap.newKeySet();
    private final Map<String, AtomicInteger> open = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> total = new ConcurrentHashMap<>();
    private final AtomicInteger next = new AtomicInteger();
    private volatile boolean closed;

    private TcpBalancer(String listenHost, List<String> backendHosts) {
        this.listenHost = listenHost;
        this.backends = new CopyOnWriteArrayList<>(backendHosts);
    }

    /**
     * Starts a balancer listening on {@code listenHost} at every port of {@code ports}.
     *
     * @throws IllegalArgumentException when {@code ports} or {@code backendHosts} is empty
     * @throws UncheckedIOException when a port cannot be bound; the ports already bound are released
     */
    public static TcpBalancer start(String listenHost, List<Integer> ports, List<String> backendHosts) {
        Objects.requireNonNull(listenHost, "listenHost");
        if (ports.isEmpty() || backendHosts.isEmpty()) {
            throw new IllegalArgumentException("ports and backendHosts must not be empty, were " + ports
                    + " and " + backendHosts);
        }
        TcpBalancer balancer = new TcpBalancer(listenHost, List.copyOf(backendHosts));
        try {
            for (int port : ports) {
                ServerSocket server = new ServerSocket();
                balancer.servers.add(server);
                server.setReuseAddress(true);
                server.bind(new InetSocketAddress(listenHost, port));
            }
        } catch (IOException e) {
            balancer.close();
            throw new UncheckedIOException("cannot listen on " + listenHost + " ports " + ports, e);
        }
        for (ServerSocket server : balancer.servers) {
            balancer.spawn(() -> balancer.accept(server));
        }
        return balancer;
    }

    /** Stops sending new connections to {@code host}; connections already relayed go on. */
    public void removeBackend(String host) {
        backends.remove(Objects.requireNonNull(host, "host"));
    }

    /** Adds {@code host} to the round robin, if it is not there yet. */
    public void addBackend(String host) {
        backends.addIfAbsent(Objects.requireNonNull(host, "host"));
    }

    /** Connections to {@code host} relayed now (both directions not yet ended). */
    public int connectionsTo(String host) {
        AtomicInteger count = open.get(host);
        return count == null ? 0 : count.get();
    }

    /** Connections to {@code host} relayed since start, including closed ones. */
    public int totalConnectionsTo(String host) {
        AtomicInteger count = total.get(host);
        return count == null ? 0 : count.get();
    }

    /** Closes the listening ports and every relayed connection, and waits for all threads to end. */
    @Override
    public void close() {
        closed = true;
        servers.forEach(TcpBalancer::closeQuietly);
        sockets.forEach(TcpBalancer::closeQuietly);
        long deadline = System.nanoTime() + STOP_TIMEOUT_NANOS;
        // Loop: a thread that was connecting when close began may still spawn its relay thread.
        while (!threads.isEmpty()) {
            for (Thread thread : threads) {
                long left = deadline - System.nanoTime();
                try {
                    thread.join(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while stopping " + this, e);
                }
                if (thread.isAlive() && left <= 0) {
                    throw new IllegalStateException("thread " + thread.getName() + " of " + this
                            + " did not stop within 5 s");
                }
            }
        }
    }

    @Override
    public String toString() {
        return "TcpBalancer{" + listenHost + " -> " + backends + ", open=" + open + "}";
    }

    private void accept(ServerSocket server) {
        while (!closed) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                if (!closed) {
                    LOG.warn("{}: accept on {} failed, port closed", this, server.getLocalSocketAddress(), e);
                }
                return;
            }
            track(client);
            spawn(() -> connect(client, server.getLocalPort()));
        }
    }

    private void connect(Socket client, int port) {
        List<String> hosts = List.copyOf(backends);
        int first = Math.floorMod(next.getAndIncrement(), Math.max(1, hosts.size()));
        for (int i = 0; i < hosts.size() && !closed; i++) {
            String host = hosts.get((first + i) % hosts.size());
            Socket backend = new Socket();
            try {
                backend.setTcpNoDelay(true);
                backend.connect(new InetSocketAddress(host, port), CONNECT_TIMEOUT_MILLIS);
                client.setTcpNoDelay(true);
            } catch (IOException e) {
                closeQuietly(backend);
                LOG.debug("{}: {}:{} refused: {}", this, host, port, e.toString());
                continue;
            }
            track(backend);
            relay(client, backend, host);
            return;
        }
        LOG.info("{}: no backend accepts on port {}; closing the client connection", this, port);
        untrack(client);
    }

    private void relay(Socket client, Socket backend, String host) {
        open.computeIfAbsent(host, h -> new AtomicInteger()).incrementAndGet();
        total.computeIfAbsent(host, h -> new AtomicInteger()).incrementAndGet();
        AtomicInteger directions = new AtomicInteger(2);
        Runnable ended = () -> {
            if (directions.decrementAndGet() == 0) {
                untrack(client);
                untrack(backend);
                open.get(host).decrementAndGet();
            }
        };
        spawn(() -> pump(backend, client, ended));
        pump(client, backend, ended); // this thread carries the client-to-backend direction
    }

    private static void pump(Socket from, Socket to, Runnable ended) {
        byte[] buffer = new byte[BUFFER_BYTES];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            for (int n; (n = in.read(buffer)) >= 0; ) {
                out.write(buffer, 0, n);
            }
            to.shutdownOutput();
        } catch (IOException e) {
            // A reset, or a socket closed by the other direction or by close(): end the whole connection.
            LOG.debug("relay {} -> {} ended: {}", from.getRemoteSocketAddress(), to.getRemoteSocketAddress(), e.toString());
            closeQuietly(from);
            closeQuietly(to);
        } finally {
            ended.run();
        }
    }

    private void spawn(Runnable task) {
        Thread thread = new Thread(() -> {
            try {
                task.run();
            } finally {
                threads.remove(Thread.currentThread());
            }
        }, "tcp-balancer-" + THREAD_IDS.incrementAndGet());
        thread.setDaemon(true);
        threads.add(thread);
        thread.start();
    }

    private void track(Socket socket) {
        sockets.add(socket);
        if (closed) {
            closeQuietly(socket);
        }
    }

    private void untrack(Socket socket) {
        sockets.remove(socket);
        closeQuietly(socket);
    }

    private static void closeQuietly(java.io.Closeable closeable) {
        try {
            closeable.close();
        } catch (IOException e) {
            LOG.debug("closing {} failed: {}", closeable, e.toString());
        }
    }
}
