package io.containercloud.common.nginx;

/** An object inside an nginx cluster that belongs to a tenant (servers, upstreams). */
public interface TenantOwned<T> {

  String name();

  String tenant();

  /** A copy that belongs to {@code tenant}. */
  T ownedBy(String tenant);

  /**
   * This object as sent by a client, keeping what only the platform writes from {@code current}
   * (null on create).
   */
  default T acceptedOver(T current) {
    @SuppressWarnings("unchecked")
    T self = (T) this;
    return self;
  }
}
