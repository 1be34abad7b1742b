package dev.sluice.gateway.internal.tls;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Where a certificate chain and its private key come from: the state behind the public {@link
 * dev.sluice.gateway.tls.KeyMaterial}, with the passwords it does not expose. Records, so equality
 * is by value; {@code toString} never prints a password.
 */
public sealed interface KeySource {

    /** The files to read, in the order they are named in messages. */
    List<Path> files();

    /** A PEM certificate chain and a PKCS#8 key, encrypted when {@code keyPassword} is present. */
    record Pem(Path certificateChain, Path privateKey, @Nullable String keyPassword) implements KeySource {
        public Pem {
            Objects.requireNonNull(certificateChain, "certificateChain");
            Objects.requireNonNull(privateKey, "privateKey");
        }

        @Override
        public List<Path> files() {
            return List.of(certificateChain, privateKey);
        }

        @Override
        public String toString() {
            return "PEM " + certificateChain + ", " + privateKey + (keyPassword == null ? "" : " (encrypted)");
        }
    }

    /** A key store file (PKCS12, JKS, ...) with its key entries. */
    record Store(Path file, String type, String storePassword, String keyPassword) implements KeySource {
        public Store {
            Objects.requireNonNull(file, "file");
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(storePassword, "storePassword");
            Objects.requireNonNull(keyPassword, "keyPassword");
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
