package io.containercloud.build.registry.oci;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** SHA-256 digests as OCI names content: {@code sha256:<64 hex>}. */
final class Digests {

  static final Pattern DIGEST = Pattern.compile("sha256:[a-f0-9]{64}");

  private Digests() {}

  static String sha256(byte[] content) {
    MessageDigest digest = newDigest();
    return "sha256:" + HexFormat.of().formatHex(digest.digest(content));
  }

  private static MessageDigest newDigest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A stream that digests and counts what is read through it. */
  static final class Digesting extends FilterInputStream {

    private final MessageDigest digest = newDigest();
    private long count;

    Digesting(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        digest.update((byte) b);
        count++;
      }
      return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      int read = super.read(buffer, offset, length);
      if (read > 0) {
        digest.update(buffer, offset, read);
        count += read;
      }
      return read;
    }

    /** The digest of what was read; call once, at the end. */
    String digest() {
      return "sha256:" + HexFormat.of().formatHex(digest.digest());
    }

    long count() {
      return count;
    }
  }
}
