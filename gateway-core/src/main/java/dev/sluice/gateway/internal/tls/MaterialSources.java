package dev.sluice.gateway.internal.tls;

import dev.sluice.gateway.tls.KeyMaterial;
import dev.sluice.gateway.tls.TrustMaterial;
import java.util.Objects;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The bridge from the public {@link KeyMaterial} and {@link TrustMaterial} to their {@link
 * KeySource} and {@link TrustSource}, so that passwords need no public getter. Each public class
 * registers its reader once, from its static initialiser; both are initialised before any instance
 * of them can reach this class.
 */
public final class MaterialSources {
    private static volatile @Nullable Function<KeyMaterial, KeySource> keyReader;
    private static volatile @Nullable Function<TrustMaterial, TrustSource> trustReader;

    private MaterialSources() {}

    /** Called once by {@link KeyMaterial}'s static initialiser. */
    public static synchronized void registerKeyReader(Function<KeyMaterial, KeySource> reader) {
        if (keyReader != null) {
            throw new IllegalStateException("the KeyMaterial reader is already registered");
        }
        keyReader = Objects.requireNonNull(reader, "reader");
    }

    /** Called once by {@link TrustMaterial}'s static initialiser. */
    public static synchronized void registerTrustReader(Function<TrustMaterial, TrustSource> reader) {
        if (trustReader != null) {
            throw new IllegalStateException("the TrustMaterial reader is already registered");
        }
        trustReader = Objects.requireNonNull(reader, "reader");
    }

    static KeySource of(KeyMaterial material) {
        Function<KeyMaterial, KeySource> reader = keyReader;
        if (reader == null) {
            throw new IllegalStateException("KeyMaterial has not registered its reader");
        }
        return reader.apply(material);
    }

    static TrustSource of(TrustMaterial material) {
        Function<TrustMaterial, TrustSource> reader = trustReader;
        if (reader == null) {
            throw new IllegalStateException("TrustMaterial has not registered its reader");
        }
        return reader.apply(material);
    }
}
