package dev.sluice.gateway.internal.tls;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Which certificate authorities to trust: the state behind the public {@link
 * dev.sluice.gateway.tls.TrustMaterial}. Records, so equality is by value; {@code toString} never
 * prints a password.
 */
public sealed interface TrustSource {

    /** The files to read; empty for the JDK's default trust store. */
    List<Path> files();

    /** The JDK's default trust store ({@code cacerts}, or {@code javax.net.ssl.trustStore}). */
    record JdkDefault() implements TrustSource {
        @Override
        public List<Path> files() {
            return List.of();
        }

        @Override
        public String toString() {
            return "JDK default";
        }
    }

    /** One or more PEM {@code CERTIFICATE} blocks. */
    record Pem(Path caCertificates) implements TrustSource {
        public Pem {
            Objects.requireNonNull(caCertificates, "caCertificates");
        }

        @Override
        public List<Path> files() {
            return List.of(caCertificates);
        }

        @Override
        public String toString() {
            return "PEM " + caCertificates;
        }
    }

    /** A key store file whose certificate entries are trusted; the password may be absent. */
    record Store(Path file, String type, @Nullable String password) implements TrustSource {
        public Store {
            Objects.requireNonNull(file, "file");
            Objects.requireNonNull(type, "type");
        }

        @Override
        public List<Path> files() {
            return List.of(file);
        }

        @Override
        public String toString() {
            return type + " " + file;
        }
    }
}
