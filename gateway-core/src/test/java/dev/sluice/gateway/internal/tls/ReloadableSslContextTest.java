package dev.sluice.gateway.internal.tls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.gateway.testkit.tls.IssuedCertificate;
import dev.sluice.gateway.testkit.tls.PemFiles;
import dev.sluice.gateway.testkit.tls.TestCertificateAuthority;
import dev.sluice.gateway.tls.KeyMaterial;
import dev.sluice.gateway.tls.ServerTls;
import dev.sluice.gateway.tls.TlsProvider;
import dev.sluice.gateway.tls.UpstreamTls;
import io.netty.handler.ssl.SslContext;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Certificate rotation: new content is served, bad content is ignored until fixed. File times are
 * set explicitly, so nothing depends on the file system's time resolution or on waiting.
 */
class ReloadableSslContextTest {
    private static final TestCertificateAuthority CA = TestCertificateAuthority.create("Reload Test CA");
    /** Long enough ago that no file stamped with it is "racy" (possibly rewritten within its time stamp). */
    private static final FileTime LONG_AGO = FileTime.from(Instant.parse("2024-01-01T00:00:00Z"));

    @TempDir
    Path dir;

    private IssuedCertificate original;
    private PemFiles files;
    private SslContext client;

    @BeforeEach
    void writeOriginal() throws IOException {
        original = CA.issueServerCertificate("*.kafka.test");
        files = original.writePem(dir);
        stampLongAgo();
        client = TlsContexts.client(UpstreamTls.trusting(files.caCertificate())).current();
    }

    @Test
    void unchangedFilesAreNotReloaded() {
        ReloadableSslContext server = server(TlsProvider.JDK);
        SslContext before = server.current();

        assertThat(server.reloadIfChanged()).isFalse();
        assertThat(server.reloadIfChanged()).isFalse();
        assertThat(server.current()).isSameAs(before);
        assertThat(server.reloads()).isZero();
        assertThat(server.reloadInterval()).isEqualTo(Duration.ofSeconds(10));
    }

    @ParameterizedTest
    @EnumSource(TlsProvider.class)
    void aNewCertificateIsPresentedToNewConnections(TlsProvider provider) throws IOException {
        ReloadableSslContext server = server(provider);
        IssuedCertificate renewed = CA.issueServerCertificate("*.kafka.test", "renewed.kafka.test");

        renewed.writePem(dir);

        assertThat(server.reloadIfChanged()).isTrue();
        assertThat(server.reloads()).isEqualTo(1);
        assertThat(presented(server)).isEqualTo(renewed.certificate());
        assertThat(server.reloadIfChanged()).isFalse();
    }

    @Test
    void aChangeKeepingTheModificationTimeIsSeenWhenTheSizeDiffers() throws IOException {
        ReloadableSslContext server = server(TlsProvider.JDK);
        IssuedCertificate renewed = CA.issueServerCertificate("*.kafka.test", "a-longer-name.kafka.test");

        renewed.writePem(dir);
        stampLongAgo();

        assertThat(Files.size(files.certificateChain())).isNotEqualTo(original.certificateChainPem().length());
        assertThat(server.reloadIfChanged()).isTrue();
        assertThat(presented(server)).isEqualTo(renewed.certificate());
    }

    @Test
    void aRecentlyModifiedFileIsHashedEvenWhenTimeAndSizeAreUnchanged() throws IOException {
        FileTime recent = FileTime.from(Instant.now());
        setTimes(recent);
        ReloadableSslContext server = server(TlsProvider.JDK);
        IssuedCertificate sameSize = issueWithSizesOf(original);

        sameSize.writePem(dir);
        setTimes(recent); // as a coarse file system clock would leave them

        assertThat(server.reloadIfChanged()).isTrue();
        assertThat(presented(server)).isEqualTo(sameSize.certificate());
    }

    @Test
    void aHalfWrittenFileKeepsTheCurrentContextUntilTheFileIsValid() throws IOException {
        ReloadableSslContext server = server(TlsProvider.JDK);
        SslContext before = server.current();
        IssuedCertificate renewed = CA.issueServerCertificate("*.kafka.test", "renewed.kafka.test");
        String chain = renewed.certificateChainPem();

        Files.writeString(files.certificateChain(), chain.substring(0, chain.length() / 2));
        Files.writeString(files.privateKey(), renewed.privateKeyPem());

        assertThat(server.reloadIfChanged()).isFalse();
        assertThat(server.current()).isSameAs(before);
        assertThat(presented(server)).isEqualTo(original.certificate());

        Files.writeString(files.certificateChain(), chain);

        assertThat(server.reloadIfChanged()).isTrue();
        assertThat(server.reloads()).isEqualTo(1);
        assertThat(presented(server)).isEqualTo(renewed.certificate());
    }

    @Test
    void aCertificateRotatedBeforeItsKeyIsNotServedUntilTheKeyFollows() throws IOException {
        ReloadableSslContext server = server(TlsProvider.JDK);
        IssuedCertificate renewed = CA.issueServerCertificate("*.kafka.test", "renewed.kafka.test");

        Files.writeString(files.certificateChain(), renewed.certificateChainPem());

        assertThat(server.reloadIfChanged()).isFalse();
        assertThat(presented(server)).isEqualTo(original.certificate());

        Files.writeString(files.privateKey(), renewed.privateKeyPem());

        assertThat(server.reloadIfChanged()).isTrue();
        assertThat(presented(server)).isEqualTo(renewed.certificate());
    }

    @Test
    void badContentIsLoggedOnceAndAMissingFileIsSurvived() throws IOException {
        ReloadableSslContext server = server(TlsProvider.JDK);
        SslContext before = server.current();

        String warnings = capturingStandardError(() -> {
            try {
                Files.writeString(files.certificateChain(), "-----BEGIN CERTIFICATE-----\nMIIB");
                for (int i = 0; i < 3; i++) {
                    assertThat(server.reloadIfChanged()).isFalse();
                }
                Files.delete(files.privateKey());
                for (int i = 0; i < 3; i++) {
                    assertThat(server.reloadIfChanged()).isFalse();
                }
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        });

        assertThat(warnings.lines().filter(line -> line.contains("WARN")).toList())
                .hasSize(2)
                .anySatisfy(line -> assertThat(line).contains(files.certificateChain() + " has 1 PEM BEGIN lines"))
                .anySatisfy(line -> assertThat(line).contains("cannot read " + files.privateKey()));
        assertThat(server.current()).isSameAs(before);

        original.writePem(dir);

        assertThat(server.reloadIfChanged()).as("the original content again: nothing to reload").isFalse();
        assertThat(server.current()).isSameAs(before);
        assertThat(presented(server)).isEqualTo(original.certificate());
    }

    @Test
    void trustFilesOfAClientContextAreWatchedToo() throws IOException {
        ReloadableSslContext upstream = TlsContexts.client(UpstreamTls.trusting(files.caCertificate()));
        TestCertificateAuthority newCa = TestCertificateAuthority.create("New CA");
        IssuedCertificate newServer = newCa.issueServerCertificate("*.kafka.test");
        PemFiles newFiles = newServer.writePem(dir.resolve("new"));
        SslContext newServerContext = TlsContexts.server(ServerTls.builder(
                KeyMaterial.pem(newFiles.certificateChain(), newFiles.privateKey())).build()).current();

        assertThat(TlsPair.handshake(newServerContext, upstream.current(), "b.kafka.test").succeeded()).isFalse();

        Files.writeString(files.caCertificate(), newCa.certificatePem());

        assertThat(upstream.reloadIfChanged()).isTrue();
        assertThat(TlsPair.handshake(newServerContext, upstream.current(), "b.kafka.test").succeeded()).isTrue();
    }

    private ReloadableSslContext server(TlsProvider provider) {
        return TlsContexts.server(ServerTls.builder(KeyMaterial.pem(files.certificateChain(), files.privateKey()))
                .provider(provider).build());
    }

    private X509Certificate presented(ReloadableSslContext server) {
        TlsPair.Outcome outcome = TlsPair.handshake(server.current(), client, "broker-1.kafka.test");
        assertThat(outcome.succeeded()).as("%s", outcome).isTrue();
        return outcome.serverCertificate();
    }

    private void stampLongAgo() throws IOException {
        setTimes(LONG_AGO);
    }

    private void setTimes(FileTime time) throws IOException {
        Files.setLastModifiedTime(files.certificateChain(), time);
        Files.setLastModifiedTime(files.privateKey(), time);
    }

    /** A certificate whose PEM chain and key have the same lengths as {@code like}'s (EC sizes vary by a few bytes). */
    private static IssuedCertificate issueWithSizesOf(IssuedCertificate like) {
        for (int attempt = 0; attempt < 200; attempt++) {
            IssuedCertificate candidate = CA.issueServerCertificate("*.kafka.test");
            if (candidate.certificateChainPem().length() == like.certificateChainPem().length()
                    && candidate.privateKeyPem().length() == like.privateKeyPem().length()) {
                return candidate;
            }
        }
        throw new AssertionError("no certificate of the same PEM sizes in 200 attempts");
    }

    private static String capturingStandardError(Runnable action) {
        PrintStream saved = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            action.run();
        } finally {
            System.setErr(saved);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }
}
