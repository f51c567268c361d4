package io.containercloud.build.registry.oci;

import java.io.IOException;
import java.io.InputStream;

/**
 * The next {@code length} bytes of a stream, which it leaves open: one chunk of an upload, or a
 * whole blob whose end must not be read past.
 */
final class BoundedStream extends InputStream {

  private final InputStream in;
  private long left;

  BoundedStream(InputStream in, long length) {
    this.in = in;
    this.left = length;
  }

  @Override
  public int read() throws IOException {
    if (left <= 0) {
      return -1;
    }
    int b = in.read();
    if (b >= 0) {
      left--;
    }
    return b;
  }

  @Override
  public int read(byte[] buffer, int offset, int length) throws IOException {
    if (left <= 0) {
      return -1;
    }
    int read = in.read(buffer, offset, (int) Math.min(length, left));
    if (read > 0) {
      left -= read;
    }
    return read;
  }

  @Override
  public void close() {
    // the caller closes the stream it gave
  }
}
