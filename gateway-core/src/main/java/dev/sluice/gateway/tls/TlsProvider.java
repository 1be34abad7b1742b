package dev.sluice.gateway.tls;

import io.netty.handler.ssl.OpenSsl;
import org.jspecify.annotations.Nullable;

/**
 * The TLS implementation the gateway uses for a listener or for its upstream connections.
 *
 * <ul>
 *   <li>{@link #JDK}: the JVM's own {@code SSLEngine}. Always available; the default.
 *   <li>{@link #OPENSSL}: BoringSSL through netty-tcnative, usually faster at handshakes and bulk
 *       encryption. The host must put {@code io.netty:netty-tcnative-boringssl-static} on the class
 *       path, with the classifier of its platform (e.g. {@code linux-x86_64}, {@code osx-aarch_64}),
 *       in the version the Netty in use was built against; Sluice does not bring it.
 * </ul>
 *
 * <pre>{@code
 * TlsProvider provider = TlsProvider.OPENSSL.isAvailable() ? TlsProvider.OPENSSL : TlsProvider.JDK;
 * }</pre>
 *
 * <p>Thread-safe. Settings naming an unavailable provider build fine; the gateway fails to start,
 * with {@link #unavailabilityCause()} as the cause.
 */
public enum TlsProvider {
    /** The JDK's {@code SSLEngine}. */
    JDK,
    /** BoringSSL through netty-tcnative ({@code netty-tcnative-boringssl-static}). */
    OPENSSL;

    /**
     * Whether this provider can be used in this JVM. The first call for {@link #OPENSSL} loads the
     * native library.
     */
    public boolean isAvailable() {
        return this == JDK || OpenSsl.isAvailable();
    }

    /** Why this provider cannot be used; {@code null} when it {@linkplain #isAvailable() can}. */
    public @Nullable Throwable unavailabilityCause() {
        return this == JDK ? null : OpenSsl.unavailabilityCause();
    }
}
