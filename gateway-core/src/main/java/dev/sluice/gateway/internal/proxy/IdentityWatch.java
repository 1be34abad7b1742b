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
 * of the first request, the client software of ApiVersions v3+, the SASL mechanism of SaslHandshake,
 * and the username of the first SaslAuthenticate token. Every other request costs one comparison.
 */
final class IdentityWatch {

    private static final short FIRST_SOFTWARE_VERSION = 3;

    private final SessionContext context;
    private boolean clientIdRead;

    IdentityWatch(SessionContext context) {
        this.context = context;
    }

    void watch(ByteBuf frame, short apiKey, short apiVersion) {
        if (!clientIdRead && ApiKeys.hasId(apiKey)) {
            clientIdRead = true;
            context.clientId(Headers.requestClientId(frame, ApiKeys.forId(apiKey), apiVersion));
        }
        if (apiKey == ApiKeys.API_VERSIONS.id) {
            if (apiVersion >= FIRST_SOFTWARE_VERSION) {
                ApiVersionsRequestData request = (ApiVersionsRequestData)
                        MessageCodec.readRequest(frame, ApiKeys.API_VERSIONS, apiVersion);
                context.clientSoftware(request.clientSoftwareName(), request.clientSoftwareVersion());
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
