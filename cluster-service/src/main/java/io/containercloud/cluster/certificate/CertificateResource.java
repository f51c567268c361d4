package io.containercloud.cluster.certificate;

import io.containercloud.cluster.registry.ClusterClients;
import io.containercloud.common.error.ProblemException;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

@RestController
class CertificateResource {

  private final ClusterClients clients;
  private final CertificateExpiry expiry;

  CertificateResource(ClusterClients clients, CertificateExpiry expiry) {
    this.clients = clients;
    this.expiry = expiry;
  }

  /** When each certificate of the cluster expires: CA, client, API server. */
  @GetMapping("/clusters/{name}/certificates")
  List<CertificateExpiry.CertificateStatus> certificates(@PathVariable String name) {
    if (!clients.registered().contains(name)) {
      throw ProblemException.notFound("cluster", name);
    }
    return expiry.certificates(name);
  }
}
