package io.containercloud.nginxmgr.store;

import io.containercloud.nginx.model.TenantOwned;

/**
 * A client's body for a tenant object. The document to store is made from it only once the owner is
 * known, so what the platform alone writes (the tenant, container members) never comes from the
 * client, and the API's body can change without changing what the agents read.
 *
 * @param <T> the document stored in etcd
 */
public interface TenantRequest<T extends TenantOwned> {

  String name();

  /** The tenant the client names, or null for the caller's. */
  String tenant();

  /**
   * The document to store for {@code owner}; {@code current} is the one stored now (null on
   * create), whose platform-written parts it keeps.
   */
  T toDocument(String owner, T current);
}
