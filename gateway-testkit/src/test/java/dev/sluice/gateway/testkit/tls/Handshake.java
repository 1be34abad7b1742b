package dev.sluice.gateway.testkit.tls;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;
import org.jspecify.annotations.Nullable;

/** Two JDK {@link SSLEngine}s handshaking through in-memory buffers: no sockets, no DNS. */
final class Handshake {
    private static final char[] PASSWORD = "test".toCharArray();
    private static final int MAX_ROUNDS = 200;

    private Handshake() {}

    /** A server engine with {@code certificate}; if {@code clientTrust} is given, it requires a client certificate. */
    static SSLEngine server(IssuedCertificate certificate, @Nullable TestCertificateAuthority clientTrust)
            throws GeneralSecurityException {
        SSLEngine engine = context(certificate, clientTrust).createSSLEngine();
        engine.setUseClientMode(false);
        engine.setNeedClientAuth(clientTrust != null);
        return engine;
    }

    /**
     * A client engine for {@code host} that trusts {@code trust}, sends SNI {@code host} and verifies
     * the server's certificate against {@code host} (HTTPS rules); with {@code certificate} for mTLS.
     */
    static SSLEngine client(String host, TestCertificateAuthority trust, @Nullable IssuedCertificate certificate)
            throws GeneralSecurityException {
        SSLEngine engine = context(certificate, trust).createSSLEngine(host, 9093);
        engine.setUseClientMode(true);
        SSLParameters parameters = engine.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        if (!Character.isDigit(host.charAt(0))) {
            parameters.setServerNames(List.of(new SNIHostName(host)));
        }
        engine.setSSLParameters(parameters);
        return engine;
    }

    /**
     * Runs the handshake to its end.
     *
     * @throws SSLException whichever side failed first, e.g. {@code SSLHandshakeException}
     */
    static void run(SSLEngine client, SSLEngine server) throws SSLException {
        int packet = Math.max(client.getSession().getPacketBufferSize(), server.getSession().getPacketBufferSize());
        ByteBuffer toServer = ByteBuffer.allocate(4 * packet);
        ByteBuffer toClient = ByteBuffer.allocate(4 * packet);
        ByteBuffer app = ByteBuffer.allocate(4 * packet);
        ByteBuffer nothing = ByteBuffer.allocate(0);
        client.beginHandshake();
        server.beginHandshake();
        for (int round = 0; round < MAX_ROUNDS; round++) {
            client.wrap(nothing, toServer);
            server.wrap(nothing, toClient);
            runTasks(client);
            runTasks(server);
            boolean moved = unwrapAll(server, toServer, app) | unwrapAll(client, toClient, app);
            runTasks(client);
            runTasks(server);
            if (!moved && done(client) && done(server)) {
                return;
            }
        }
        throw new SSLException("Handshake did not finish in " + MAX_ROUNDS + " rounds");
    }

    private static boolean unwrapAll(SSLEngine engine, ByteBuffer in, ByteBuffer app) throws SSLException {
        in.flip();
        boolean moved = false;
        try {
            while (in.hasRemaining()) {
                app.clear();
                int before = in.remaining();
                engine.unwrap(in, app);
                runTasks(engine);
                if (in.remaining() == before) {
                    break;
                }
                moved = true;
            }
        } finally {
            in.compact();
        }
        return moved;
    }

    private static boolean done(SSLEngine engine) {
        HandshakeStatus status = engine.getHandshakeStatus();
        return status == HandshakeStatus.NOT_HANDSHAKING || status == HandshakeStatus.FINISHED;
    }

    private static void runTasks(SSLEngine engine) {
        Runnable task;
        while ((task = engine.getDelegatedTask()) != null) {
            task.run();
        }
    }

    private static SSLContext context(@Nullable IssuedCertificate key, @Nullable TestCertificateAuthority trust)
            throws GeneralSecurityException {
        KeyManagerFactory keys = null;
        if (key != null) {
            keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(key.keyStore(PASSWORD), PASSWORD);
        }
        TrustManagerFactory trusts = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trusts.init(trust == null ? (KeyStore) null : trust.trustStore());
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys == null ? null : keys.getKeyManagers(), trusts.getTrustManagers(), null);
        return context;
    }
}
