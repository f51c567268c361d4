package io.containercloud.cluster.placement;

/**
 * What one replica requests.
 *
 * @param cpuMillis CPU in millicores, positive
 * @param memoryBytes memory in bytes, positive
 */
public record Request(long cpuMillis, long memoryBytes) {

  public Request {
    if (cpuMillis <= 0 || memoryBytes <= 0) {
      throw new IllegalArgumentException("a replica must request some CPU and memory");
    }
  }
}
