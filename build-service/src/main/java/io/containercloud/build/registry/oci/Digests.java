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

  /**
   * A stream that digests and counts what is read through it, and keeps the first failure of a read
   * (the client that reads it for an upload reports only that its body failed).
   */
  static final class Digesting extends FilterInputStream {

    private final MessageDigest digest = newDigest();
    private long count;
    private volatile IOException failure;

    Digesting(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      int b;
      try {
        b = super.read();
      } catch (IOException e) {
        throw failed(e);
      }
      if (b >= 0) {
        digest.update((byte) b);
        count++;
      }
      return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      int read;
      try {
        read = super.read(buffer, offset, length);
      } catch (IOException e) {
        throw failed(e);
      }
      if (read > 0) {
        digest.update(buffer, offset, read);
        count += read;
      }
      return read;
    }

    private IOException failed(IOException e) {
      if (failure == null) {
        failure = e;
      }
      return e;
    }

    /** What the first failed read threw, or null. */
    IOException failure() {
      return failure;
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
