package dev.sluice.gateway.internal.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SaslUsernamesTest {

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void plainNamesTheAuthenticationIdWhenNoAuthorizationIdIsGiven() {
        assertThat(SaslUsernames.of("PLAIN", bytes("\0alice\0secret"))).isEqualTo("alice");
    }

    @Test
    void plainNamesTheAuthorizationIdWhenOneIsGiven() {
        assertThat(SaslUsernames.of("PLAIN", bytes("admin\0alice\0secret"))).isEqualTo("admin");
    }

    @Test
    void plainTokenWithoutTwoSeparatorsNamesNobody() {
        assertThat(SaslUsernames.of("PLAIN", bytes("alice"))).isNull();
        assertThat(SaslUsernames.of("PLAIN", bytes("\0alice"))).isNull();
    }

    @Test
    void scramNamesTheUserOfTheClientFirstMessageWithEscapesUndone() {
        assertThat(SaslUsernames.of("SCRAM-SHA-512", bytes("n,,n=alice,r=fyko+d2lbbFgONRv9qkxdawL"))).isEqualTo("alice");
        assertThat(SaslUsernames.of("SCRAM-SHA-256", bytes("n,,n=a=2Cb=3Dc,r=nonce"))).isEqualTo("a,b=c");
        assertThat(SaslUsernames.of("SCRAM-SHA-256", bytes("n,a=admin,n=bob,r=nonce"))).isEqualTo("bob");
    }

    @Test
    void otherMechanismsAndMalformedScramNameNobody() {
        assertThat(SaslUsernames.of("GSSAPI", bytes("\0alice\0secret"))).isNull();
        assertThat(SaslUsernames.of("OAUTHBEARER", bytes("n,,\u0001auth=Bearer x\u0001\u0001"))).isNull();
        assertThat(SaslUsernames.of("SCRAM-SHA-256", bytes("garbage"))).isNull();
    }
}
