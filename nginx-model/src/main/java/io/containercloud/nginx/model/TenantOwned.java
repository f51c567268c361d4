package io.containercloud.nginx.model;

/**
 * An object inside an nginx cluster that belongs to a tenant (servers, upstreams, certificates):
 * nginx-mgr shows and changes it only for its tenant, and an agent names the tenant when it leaves
 * the object out.
 */
public interface TenantOwned {

  /** The object's name within its cluster (the last segment of its key). */
  String name();

  String tenant();
}
