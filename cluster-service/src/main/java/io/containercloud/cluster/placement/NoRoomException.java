package io.containercloud.cluster.placement;

/**
 * The replicas do not fit: names the resource that binds and what the roomiest cluster has free of
 * it, so the caller can say what to change.
 */
public final class NoRoomException extends RuntimeException {

  private final String resource;
  private final String bestCluster;
  private final long bestFree;
  private final long fits;

  NoRoomException(String message, String resource, String bestCluster, long bestFree, long fits) {
    super(message);
    this.resource = resource;
    this.bestCluster = bestCluster;
    this.bestFree = bestFree;
    this.fits = fits;
  }

  /** {@code cpu}, {@code memory} or {@code pods}. */
  public String resource() {
    return resource;
  }

  public String bestCluster() {
    return bestCluster;
  }

  /** The roomiest cluster's free amount of {@link #resource()} (millicores, bytes or pods). */
  public long bestFree() {
    return bestFree;
  }

  /** How many replicas fit across all eligible clusters. */
  public long fits() {
    return fits;
  }
}
