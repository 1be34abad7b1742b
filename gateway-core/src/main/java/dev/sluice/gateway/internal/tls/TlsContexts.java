package dev.sluice.gateway.internal.tls;

import dev.sluice.gateway.api.GatewayException;
import dev.sluice.gateway.tls.ClientAuth;
import dev.sluice.gateway.tls.ServerTls;
import dev.sluice.gateway.tls.TlsProvider;
import dev.sluice.gateway.tls.TrustMaterial;
import dev.sluice.gateway.tls.UpstreamTls;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.ReferenceCountUtil;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import org.jspecify.annotations.Nullable;

/**
 * Builds Netty {@link SslContext}s from the public TLS settings, wrapped in a {@link
 * ReloadableSslContext} that rebuilds them when their files change.
 *
 * <p>Each build reads every file once into a {@link MaterialSnapshot} and builds from those bytes.
 * There is no fallback of any kind: no self-signed or default certificate, no trust of the JDK's
 * authorities unless asked for. Protocols and cipher suites are tried on a first engine, so an
 * unsupported one fails the build, not the first connection.
 *
 * <p>Contexts use {@link SslProvider#JDK} or {@link SslProvider#OPENSSL}, never {@code
 * OPENSSL_REFCNT}: nothing here is reference-counted, so a replaced context needs no release.
 */
public final class TlsContexts {
    private TlsContexts() {}

    /**
     * Builds the server context now (reads the files).
     *
     * @throws GatewayException naming the file and the cause when material is unreadable or invalid,
     *     or naming the provider when it is unavailable
     */
    public static ReloadableSslContext server(ServerTls tls) {
        Objects.requireNonNull(tls, "tls");
        KeySource keys = MaterialSources.of(tls.keyMaterial());
        TrustMaterial clientTrust = tls.clientAuth() == ClientAuth.NONE ? null : tls.clientTrust();
        TrustSource trust = clientTrust == null ? null : MaterialSources.of(clientTrust);
        List<Path> files = distinct(keys.files(), trust == null ? List.of() : trust.files());
        String description = "server TLS " + files;
        requireAvailable(description, tls.provider());
        return ReloadableSslContext.create(description, files, tls.reloadInterval(),
                snapshot -> buildServer(description, tls, keys, trust, snapshot));
    }

    /**
     * Builds the client context for connections to brokers now (reads the files).
     *
     * @throws GatewayException naming the file and the cause when material is unreadable or invalid,
     *     or naming the provider when it is unavailable
     */
    public static ReloadableSslContext client(UpstreamTls tls) {
        Objects.requireNonNull(tls, "tls");
        TrustSource trust = MaterialSources.of(tls.trust());
        KeySource keys = tls.keyMaterial() == null ? null : MaterialSources.of(tls.keyMaterial());
        List<Path> files = distinct(trust.files(), keys == null ? List.of() : keys.files());
        String description = "upstream TLS " + (files.isEmpty() ? "[JDK default trust]" : files.toString());
        requireAvailable(description, tls.provider());
        return ReloadableSslContext.create(description, files, tls.reloadInterval(),
                snapshot -> buildClient(description, tls, trust, keys, snapshot));
    }

    private static SslContext buildServer(String description, ServerTls tls, KeySource keys,
            @Nullable TrustSource trust, MaterialSnapshot snapshot) {
        SslContextBuilder builder = LoadedKeys.load(description, keys, snapshot, tls.provider()).forServer()
                .clientAuth(switch (tls.clientAuth()) {
                    case NONE -> io.netty.handler.ssl.ClientAuth.NONE;
                    case REQUESTED -> io.netty.handler.ssl.ClientAuth.OPTIONAL;
                    case REQUIRED -> io.netty.handler.ssl.ClientAuth.REQUIRE;
                });
        if (trust != null) {
            builder.trustManager(TrustManagers.load(description, trust, snapshot));
        }
        return build(description, builder, tls.provider(), tls.protocols(), tls.cipherSuites());
    }

    private static SslContext buildClient(String description, UpstreamTls tls, TrustSource trust,
            @Nullable KeySource keys, MaterialSnapshot snapshot) {
        SslContextBuilder builder = SslContextBuilder.forClient()
                .trustManager(TrustManagers.load(description, trust, snapshot))
                // Netty 4.2 verifies by default; say so either way rather than rely on it.
                .endpointIdentificationAlgorithm(tls.hostnameVerification() ? "HTTPS" : null);
        if (keys != null) {
            LoadedKeys.load(description, keys, snapshot, tls.provider()).addTo(builder);
        }
        return build(description, builder, tls.provider(), tls.protocols(), tls.cipherSuites());
    }

    private static SslContext build(String description, SslContextBuilder builder, TlsProvider provider,
            List<String> protocols, List<String> cipherSuites) {
        builder.sslProvider(provider == TlsProvider.OPENSSL ? SslProvider.OPENSSL : SslProvider.JDK)
                .protocols(protocols);
        if (!cipherSuites.isEmpty()) {
            builder.ciphers(cipherSuites);
        }
        SslContext context;
        try {
            context = builder.build();
        } catch (SSLException | RuntimeException e) {
            throw new GatewayException(description + ": cannot build the " + provider + " TLS context: " + e.getMessage(), e);
        }
        probe(description, context, provider, protocols, cipherSuites);
        return context;
    }

    /** Makes one engine, which applies the protocols and cipher suites, so that a bad one fails now. */
    private static void probe(String description, SslContext context, TlsProvider provider, List<String> protocols,
            List<String> cipherSuites) {
        SSLEngine engine;
        try {
            engine = context.newEngine(ByteBufAllocator.DEFAULT);
        } catch (RuntimeException e) {
            throw new GatewayException(description + ": " + provider + " refuses protocols " + protocols
                    + (cipherSuites.isEmpty() ? "" : " or cipher suites " + cipherSuites) + ": " + e.getMessage(), e);
        }
        try {
            if (engine.getEnabledProtocols().length == 0) {
                throw new GatewayException(description + ": " + provider + " supports none of the protocols " + protocols);
            }
            if (engine.getEnabledCipherSuites().length == 0) {
                throw new GatewayException(description + ": " + provider + " supports none of the cipher suites "
                        + cipherSuites);
            }
        } finally {
            ReferenceCountUtil.release(engine); // frees an OpenSSL engine's native state now, not at finalization
        }
    }

    private static void requireAvailable(String description, TlsProvider provider) {
        if (!provider.isAvailable()) {
            Throwable cause = provider.unavailabilityCause();
            throw new GatewayException(description + ": TLS provider " + provider + " is unavailable (" + cause
                    + "); put io.netty:netty-tcnative-boringssl-static with this platform's classifier on the class"
                    + " path, or use TlsProvider.JDK", cause);
        }
    }

    /** The files of both, each once (a PEM chain and key may share one file), in order. */
    private static List<Path> distinct(List<Path> first, List<Path> second) {
        Set<Path> all = new LinkedHashSet<>(first);
        all.addAll(second);
        return List.copyOf(all);
    }
}
