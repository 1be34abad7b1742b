package dev.sluice.gateway.internal.tls;

import dev.sluice.gateway.api.HostPort;
import io.netty.channel.Channel;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.Future;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.SSLException;
import org.jspecify.annotations.Nullable;

/**
 * TLS on the gateway's connections to brokers: adds the client-side {@link SslHandler} for the
 * broker's advertised address (which the broker's certificate must match while hostname
 * verification is on, as Kafka clients require), and tells when the handshake is over.
 *
 * <p>Thread-safe; one per gateway, shared by the data path and the cluster monitor.
 */
public final class UpstreamTlsConnector {

    private final ReloadableSslContext context;
    private final long handshakeTimeoutMillis;

    public UpstreamTlsConnector(ReloadableSslContext context, long handshakeTimeoutMillis) {
        this.context = context;
        this.handshakeTimeoutMillis = handshakeTimeoutMillis;
    }

    /**
     * Adds the TLS handler for a connection to {@code broker} as the first handler of {@code
     * channel}'s pipeline (call from the channel's initializer). The handshake starts once connected.
     */
    public void addTo(Channel channel, HostPort broker) {
        SslHandler handler = context.current().newHandler(channel.alloc(), broker.host(), broker.port());
        handler.setHandshakeTimeoutMillis(handshakeTimeoutMillis);
        channel.pipeline().addFirst("tls", handler);
    }

    /**
     * Completes when the TLS handshake of {@code channel} is over: with {@code null}, or with an
     * exception that says why the broker was not accepted (certificate untrusted, name mismatch,
     * timeout).
     */
    public static CompletableFuture<@Nullable Void> handshake(Channel channel, HostPort broker) {
        CompletableFuture<@Nullable Void> done = new CompletableFuture<>();
        SslHandler handler = channel.pipeline().get(SslHandler.class);
        if (handler == null) {
            done.complete(null);
            return done;
        }
        handler.handshakeFuture().addListener((Future<Channel> f) -> {
            if (f.isSuccess()) {
                done.complete(null);
            } else {
                Throwable cause = f.cause();
                done.completeExceptionally(new SSLException("TLS handshake with broker " + broker + " failed: "
                        + describe(cause), cause));
            }
        });
        return done;
    }

    /**
     * What went wrong in a TLS handshake, in words: the innermost message (the certificate name
     * mismatch, say), marked as a trust failure when the peer's certificate chain did not lead to a
     * trusted CA.
     */
    public static String describe(Throwable cause) {
        String message = String.valueOf(cause.getMessage());
        boolean untrusted = false;
        for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t.getMessage() != null) {
                message = t.getMessage();
            }
            untrusted |= t instanceof java.security.cert.CertPathBuilderException
                    || t instanceof java.security.cert.CertPathValidatorException
                    || (t.getMessage() != null && t.getMessage().startsWith("PKIX path"));
        }
        return untrusted ? "certificate not trusted (" + message + ")" : message;
    }

    /**
     * Whether {@code failure} is a verdict on a certificate (untrusted, expired, a name mismatch)
     * rather than a network problem: retrying will not change it until someone changes the
     * certificate or the trust.
     */
    public static boolean isCertificateVerdict(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof java.security.cert.CertificateException) {
                return true;
            }
        }
        return false;
    }
}
