package io.containercloud.build.registry.oci;

/**
 * A registry refused or failed a step, or answered what the OCI distribution API does not allow.
 */
public class OciException extends Exception {

  public OciException(String message) {
    super(message);
  }

  public OciException(String message, Throwable cause) {
    super(message, cause);
  }
}
