package dev.sluice.gateway.internal.proxy;

import dev.sluice.gateway.internal.codec.Headers;
import dev.sluice.gateway.internal.codec.MessageCodec;
import io.netty.buffer.ByteBuf;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.SaslAuthenticateRequestData;
import org.apache.kafka.common.message.SaslHandshakeRequestData;
import org.apache.kafka.common.protocol.ApiKeys;

/**
 * Fills in a connection's identity from the few requests that carry it, each read once: the client id
 * of the first request, the client software of ApiVersions v3+ (its strings shared between
 * connections, {@link ProxyRuntime#sharedClientSoftware}), the SASL mechanism of SaslHandshake, and
 * the username of the first SaslAuthenticate token. Every other request costs one comparison.
 */
final class IdentityWatch {

    private static final short FIRST_SOFTWARE_VERSION = 3;

    private IdentityWatch() {}

    /** Records in {@code context} what the request in {@code frame} says about the client. */
    static void watch(ProxyRuntime runtime, SessionContext context, ByteBuf frame, short apiKey, short apiVersion) {
        if (!context.clientIdKnown() && ApiKeys.hasId(apiKey)) {
            context.clientId(Headers.requestClientId(frame, ApiKeys.forId(apiKey), apiVersion));
        }
        if (apiKey == ApiKeys.API_VERSIONS.id) {
            if (apiVersion >= FIRST_SOFTWARE_VERSION) {
                ApiVersionsRequestData request = (ApiVersionsRequestData)
                        MessageCodec.readRequest(frame, ApiKeys.API_VERSIONS, apiVersion);
                context.clientSoftware(runtime.sharedClientSoftware(request.clientSoftwareName()),
                        runtime.sharedClientSoftware(request.clientSoftwareVersion()));
            }
        } else if (apiKey == ApiKeys.SASL_HANDSHAKE.id) {
            SaslHandshakeRequestData request = (SaslHandshakeRequestData)
                    MessageCodec.readRequest(frame, ApiKeys.SASL_HANDSHAKE, apiVersion);
            context.saslMechanism(request.mechanism());
            context.saslPrincipal(null);
        } else if (apiKey == ApiKeys.SASL_AUTHENTICATE.id && context.saslPrincipal() == null
                && context.saslMechanism() != null) {
            SaslAuthenticateRequestData request = (SaslAuthenticateRequestData)
                    MessageCodec.readRequest(frame, ApiKeys.SASL_AUTHENTICATE, apiVersion);
            context.saslPrincipal(SaslUsernames.of(context.saslMechanism(), request.authBytes()));
        }
    }
}
