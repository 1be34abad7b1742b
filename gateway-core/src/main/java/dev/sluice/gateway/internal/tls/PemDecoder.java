package dev.sluice.gateway.internal.tls;

import dev.sluice.gateway.api.GatewayException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Cipher;
import javax.crypto.EncryptedPrivateKeyInfo;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import org.jspecify.annotations.Nullable;

/**
 * Reads certificates and PKCS#8 private keys from PEM text (RFC 7468) with the JDK alone, so that
 * every failure names its file and what was wrong. Blocks of other types are skipped, so one file
 * may hold a chain and its key. A {@code BEGIN} line without its {@code END} line (a file caught
 * half-written) is an error, not a shorter chain.
 */
final class PemDecoder {
    private static final Pattern BLOCK =
            Pattern.compile("-----BEGIN ([A-Z0-9 ]{1,40})-----(.*?)-----END \\1-----", Pattern.DOTALL);
    private static final String BEGIN = "-----BEGIN ";
    private static final String PBES2_OID = "1.2.840.113549.1.5.13";
    /** Tried in turn: PKCS#8 names its algorithm only as an OID the JDK offers no lookup for. */
    private static final List<String> KEY_ALGORITHMS = List.of("RSA", "EC", "EdDSA", "RSASSA-PSS", "DSA");

    private PemDecoder() {}

    /** The {@code CERTIFICATE} blocks of {@code pem}, in order; at least one. */
    static List<X509Certificate> certificates(String description, Path file, byte[] pem) {
        List<X509Certificate> certificates = new ArrayList<>();
        CertificateFactory x509 = x509();
        for (Block block : blocks(description, file, pem)) {
            if (!block.type().equals("CERTIFICATE")) {
                continue;
            }
            try {
                Certificate certificate = x509.generateCertificate(new ByteArrayInputStream(block.der()));
                certificates.add((X509Certificate) certificate);
            } catch (CertificateException | ClassCastException e) {
                throw new GatewayException(description + ": certificate " + (certificates.size() + 1) + " in " + file
                        + " is not a valid X.509 certificate: " + e.getMessage(), e);
            }
        }
        if (certificates.isEmpty()) {
            throw new GatewayException(description + ": " + file + " holds no PEM CERTIFICATE block");
        }
        return certificates;
    }

    /**
     * The one PKCS#8 private key of {@code pem}: {@code PRIVATE KEY}, or {@code ENCRYPTED PRIVATE
     * KEY} decrypted with {@code password}.
     */
    static PrivateKey privateKey(String description, Path file, byte[] pem, @Nullable String password) {
        Block key = null;
        List<String> others = new ArrayList<>();
        for (Block block : blocks(description, file, pem)) {
            if (block.type().equals("PRIVATE KEY") || block.type().equals("ENCRYPTED PRIVATE KEY")) {
                if (key != null) {
                    throw new GatewayException(description + ": " + file + " holds more than one private key");
                }
                key = block;
            } else if (block.type().endsWith("PRIVATE KEY")) {
                others.add(block.type());
            }
        }
        if (key == null) {
            throw new GatewayException(description + ": " + file + " holds no PKCS#8 private key (BEGIN PRIVATE KEY)"
                    + (others.isEmpty() ? "" : "; it holds " + others + ", which must be converted to PKCS#8:"
                            + " openssl pkcs8 -topk8 -nocrypt -in " + file.getFileName() + " -out key.pkcs8.pem"));
        }
        byte[] der = key.der();
        if (key.type().equals("ENCRYPTED PRIVATE KEY")) {
            if (password == null) {
                throw new GatewayException(description + ": the private key in " + file
                        + " is encrypted; give its password (KeyMaterial.pem(chain, key, password))");
            }
            der = decrypt(description, file, der, password);
        }
        try {
            return parse(description, file, der);
        } finally {
            if (der != key.der()) {
                Arrays.fill(der, (byte) 0);
            }
        }
    }

    private static byte[] decrypt(String description, Path file, byte[] der, String password) {
        char[] chars = password.toCharArray();
        try {
            EncryptedPrivateKeyInfo info = new EncryptedPrivateKeyInfo(der);
            AlgorithmParameters parameters = info.getAlgParameters();
            String algorithm = info.getAlgName();
            if (parameters != null && (algorithm.equals("PBES2") || algorithm.equals(PBES2_OID))) {
                algorithm = parameters.toString(); // e.g. PBEWithHmacSHA256AndAES_256
            }
            SecretKeyFactory keys = SecretKeyFactory.getInstance(algorithm);
            Cipher cipher = Cipher.getInstance(algorithm);
            cipher.init(Cipher.DECRYPT_MODE, keys.generateSecret(new PBEKeySpec(chars)), parameters);
            return info.getKeySpec(cipher).getEncoded();
        } catch (IOException | GeneralSecurityException e) {
            throw new GatewayException(description + ": cannot decrypt the private key in " + file
                    + ": wrong password, or an encryption this JVM lacks (" + e + ")", e);
        } finally {
            Arrays.fill(chars, '\0');
        }
    }

    private static PrivateKey parse(String description, Path file, byte[] der) {
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
        for (String algorithm : KEY_ALGORITHMS) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (InvalidKeySpecException | NoSuchAlgorithmException e) {
                // not this algorithm; try the next
            }
        }
        throw new GatewayException(description + ": the private key in " + file
                + " is not a valid PKCS#8 key of a known algorithm " + KEY_ALGORITHMS);
    }

    private record Block(String type, byte[] der) {}

    private static List<Block> blocks(String description, Path file, byte[] pem) {
        String text = new String(pem, StandardCharsets.ISO_8859_1);
        List<Block> blocks = new ArrayList<>();
        Matcher matcher = BLOCK.matcher(text);
        while (matcher.find()) {
            String type = matcher.group(1);
            byte[] der;
            try {
                der = Base64.getMimeDecoder().decode(matcher.group(2));
            } catch (IllegalArgumentException e) {
                throw new GatewayException(description + ": the " + type + " block " + (blocks.size() + 1) + " in "
                        + file + " is not valid base64: " + e.getMessage(), e);
            }
            blocks.add(new Block(type, der));
        }
        int begins = count(text, BEGIN);
        if (begins != blocks.size()) {
            throw new GatewayException(description + ": " + file + " has " + begins + " PEM BEGIN lines but "
                    + blocks.size() + " complete blocks (truncated, or being written?)");
        }
        return blocks;
    }

    private static int count(String text, String needle) {
        int count = 0;
        for (int at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + needle.length())) {
            count++;
        }
        return count;
    }

    static CertificateFactory x509() {
        try {
            return CertificateFactory.getInstance("X.509");
        } catch (CertificateException e) {
            throw new IllegalStateException("every JVM has X.509", e);
        }
    }
}
