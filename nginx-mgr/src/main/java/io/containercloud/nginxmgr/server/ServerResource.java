package io.containercloud.nginxmgr.server;

import io.containercloud.common.error.FieldViolation;
import io.containercloud.common.error.ProblemException;
import io.containercloud.nginx.model.ManagedCertificate;
import io.containercloud.nginx.model.NginxKeys;
import io.containercloud.nginx.model.VirtualServer;
import io.containercloud.nginxmgr.store.Documents;
import io.containercloud.nginxmgr.store.ObjectStatus;
import io.containercloud.nginxmgr.store.TenantObjectEndpoints;
import io.containercloud.nginxmgr.store.TenantObjects;
import java.util.List;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Virtual servers of an nginx cluster, per tenant. */
@RestController
@RequestMapping("/clusters/{cluster}/servers")
@Validated
class ServerResource extends TenantObjectEndpoints<VirtualServer, ServerRequest> {

  ServerResource(Documents documents, ObjectStatus.Lookup statuses) {
    super(
        new TenantObjects<>(
            documents,
            VirtualServer.class,
            "server",
            NginxKeys::servers,
            (cluster, server) -> requireCertificate(documents, cluster, server)),
        statuses,
        "server");
  }

  /** A server presents only a managed certificate of its own tenant, never a file on the host. */
  private static void requireCertificate(
      Documents documents, String cluster, VirtualServer server) {
    if (server.tls() == null) {
      return;
    }
    String name = server.tls().certificate();
    boolean usable =
        documents
            .get(NginxKeys.certificates(cluster) + name, ManagedCertificate.class)
            .filter(c -> c.value().tenant().equals(server.tenant()))
            .isPresent();
    if (!usable) {
      throw ProblemException.unprocessable(
          "certificate-unknown",
          "Certificate '" + name + "' is not a certificate of this cluster and tenant.",
          List.of(
              new FieldViolation(
                  "tls.certificate",
                  "must name a certificate uploaded to /clusters/" + cluster + "/certificates")));
    }
  }
}
