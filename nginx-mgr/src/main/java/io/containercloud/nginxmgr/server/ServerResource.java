package io.containercloud.nginxmgr.server;

import io.containercloud.common.nginx.NginxKeys;
import io.containercloud.common.nginx.VirtualServer;
import io.containercloud.nginxmgr.store.Documents;
import io.containercloud.nginxmgr.store.TenantObjectEndpoints;
import io.containercloud.nginxmgr.store.TenantObjects;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Virtual servers of an nginx cluster, per tenant. */
@RestController
@RequestMapping("/clusters/{cluster}/servers")
@Validated
class ServerResource extends TenantObjectEndpoints<VirtualServer> {

  ServerResource(Documents documents) {
    super(new TenantObjects<>(documents, VirtualServer.class, "server", NginxKeys::servers));
  }
}
