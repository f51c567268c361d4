package io.containercloud.nginxmgr.upstream;

import io.containercloud.nginxmgr.store.Documents;
import io.containercloud.nginxmgr.store.Keys;
import io.containercloud.nginxmgr.store.TenantObjectEndpoints;
import io.containercloud.nginxmgr.store.TenantObjects;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Upstreams of an nginx cluster, per tenant. */
@RestController
@RequestMapping("/clusters/{cluster}/upstreams")
@Validated
class UpstreamResource extends TenantObjectEndpoints<Upstream> {

  UpstreamResource(Documents documents) {
    super(new TenantObjects<>(documents, Upstream.class, "upstream", Keys::upstreams));
  }
}
