package dev.sluice.gateway.internal.tls;

import dev.sluice.gateway.api.GatewayException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The bytes of a set of files, read once, with what the files looked like on disk just before the
 * read and a SHA-256 digest of the content. Contexts are built from these bytes, never from the
 * files again, so what was hashed is what was parsed.
 */
final class MaterialSnapshot {
    /** No certificate, key or trust store comes near this; a bigger file is a wrong path. */
    static final long MAX_FILE_BYTES = 16L * 1024 * 1024;

    private final Map<Path, byte[]> contents;
    private final List<FileStamp> stamps;
    private final long stampedAtMillis;
    private final byte[] digest;

    private MaterialSnapshot(Map<Path, byte[]> contents, List<FileStamp> stamps, long stampedAtMillis, byte[] digest) {
        this.contents = contents;
        this.stamps = stamps;
        this.stampedAtMillis = stampedAtMillis;
        this.digest = digest;
    }

    /**
     * Stamps, then reads, {@code files}.
     *
     * @throws GatewayException naming the file that is missing, unreadable, not a regular file or too big
     */
    static MaterialSnapshot read(String description, List<Path> files) {
        long stampedAt = System.currentTimeMillis();
        List<FileStamp> stamps = stamp(description, files);
        Map<Path, byte[]> contents = new LinkedHashMap<>();
        MessageDigest sha256 = sha256();
        for (Path file : files) {
            if (contents.containsKey(file)) {
                continue;
            }
            byte[] bytes;
            try {
                bytes = Files.readAllBytes(file);
            } catch (IOException e) {
                throw new GatewayException(description + ": cannot read " + file + ": " + e, e);
            }
            contents.put(file, bytes);
            sha256.update(longBytes(bytes.length));
            sha256.update(bytes);
        }
        return new MaterialSnapshot(contents, stamps, stampedAt, sha256.digest());
    }

    /**
     * The current stamps of {@code files}.
     *
     * @throws GatewayException naming a file that is missing, unreadable, not a regular file or too big
     */
    static List<FileStamp> stamp(String description, List<Path> files) {
        List<FileStamp> stamps = new ArrayList<>(files.size());
        for (Path file : files) {
            BasicFileAttributes attributes;
            try {
                attributes = Files.readAttributes(file, BasicFileAttributes.class); // follows symbolic links
            } catch (IOException e) {
                throw new GatewayException(description + ": cannot read " + file + ": " + e, e);
            }
            if (!attributes.isRegularFile()) {
                throw new GatewayException(description + ": " + file + " is not a regular file");
            }
            if (attributes.size() > MAX_FILE_BYTES) {
                throw new GatewayException(description + ": " + file + " has " + attributes.size()
                        + " bytes, more than any TLS material file (" + MAX_FILE_BYTES + ")");
            }
            stamps.add(new FileStamp(file, attributes.lastModifiedTime(), attributes.size(), attributes.fileKey()));
        }
        return List.copyOf(stamps);
    }

    /** The bytes read from {@code file}, which must be one of the files this snapshot read. */
    byte[] bytes(Path file) {
        byte[] bytes = contents.get(file);
        if (bytes == null) {
            throw new IllegalArgumentException(file + " is not part of this snapshot");
        }
        return bytes;
    }

    /** The stamps taken just before the read. */
    List<FileStamp> stamps() {
        return stamps;
    }

    /** When the stamps were taken, in epoch milliseconds (a file's clock, not a monotonic one). */
    long stampedAtMillis() {
        return stampedAtMillis;
    }

    /** Whether {@code other} read the same bytes. */
    boolean sameContent(MaterialSnapshot other) {
        return MessageDigest.isEqual(digest, other.digest);
    }

    /** The content digest in hex, to tell one bad content from another in logs. */
    String digestHex() {
        return HexFormat.of().formatHex(digest);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    private static byte[] longBytes(long value) {
        byte[] bytes = new byte[Long.BYTES];
        for (int i = Long.BYTES - 1; i >= 0; i--) {
            bytes[i] = (byte) value;
            value >>>= 8;
        }
        return bytes;
    }

    @Override
    public String toString() {
        return "MaterialSnapshot" + Arrays.toString(contents.keySet().toArray()) + " sha256 " + digestHex();
    }

    /**
     * What a file looked like: modification time, size and, where the file system has one, its
     * identity (inode), which changes when a file is replaced by a rename, as Kubernetes does with
     * mounted secrets.
     */
    record FileStamp(Path file, FileTime lastModified, long size, @Nullable Object fileKey) {}
}
