package io.containercloud.audit.chain;

/**
 * The outcome of checking one tenant's chain.
 *
 * @param checked records whose hash and link were recomputed
 * @param intact whether nothing was changed, removed or reordered
 * @param firstBroken the first record where the chain breaks, or {@code null}
 */
public record VerifyReport(String tenant, long checked, boolean intact, Break firstBroken) {

  /**
   * Where and why a chain breaks.
   *
   * @param recordId the stored record's id ({@code null} when the record itself is missing)
   * @param seq its position in the tenant's chain
   */
  public record Break(Long recordId, long seq, String reason) {}
}
