package io.containercloud.build.registry.gate;

import io.containercloud.build.registry.oci.OciException;
import io.containercloud.build.registry.rooms.ImageRegistry;
import io.containercloud.build.registry.rooms.ImageRegistryRepository;
import io.containercloud.build.registry.rooms.RegistryClients;
import io.containercloud.common.event.contract.ImageScanned;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/**
 * Reads Harbor's scan results ({@code scan_overview} of an artifact) when Harbor announces a
 * finished scan on its webhook, and keeps them as the image's report: in production Harbor scans
 * (Trivy, on push), and its results reach the gate this way. The webhook only says a scan ended;
 * the result is read from Harbor's API with the platform's account, so nothing the webhook's body
 * claims is trusted.
 */
@Component
public class HarborScans {

  private static final Logger log = LoggerFactory.getLogger(HarborScans.class);

  private final ImageRegistryRepository registries;
  private final RegistryClients clients;
  private final ScanReports reports;

  HarborScans(ImageRegistryRepository registries, RegistryClients clients, ScanReports reports) {
    this.registries = registries;
    this.clients = clients;
    this.reports = reports;
  }

  /**
   * Harbor at {@code registryHost} finished scanning {@code repository@digest}: its result becomes
   * the digest's report. A host no Harbor registration has is ignored.
   *
   * @return whether a report was stored
   * @throws OciException when Harbor cannot be read (the webhook fails, and Harbor retries it)
   */
  public boolean completed(String registryHost, String repository, String digest)
      throws OciException {
    Optional<ImageRegistry> harbor = registries.harborAt(registryHost);
    if (harbor.isEmpty()) {
      log.warn(
          "scan of {}/{}@{} from no registered Harbor: ignored", registryHost, repository, digest);
      return false;
    }
    Optional<ImageScanned> scan =
        clients
            .harbor(harbor.get())
            .artifactWithScanOverview(repository, digest)
            .flatMap(artifact -> overview(digest, artifact));
    scan.ifPresent(s -> reports.store(s, "harbor", harbor.get().name(), repository));
    return scan.isPresent();
  }

  /**
   * The finished scan in an artifact's {@code scan_overview} (one entry per report media type, each
   * with {@code scan_status}, {@code scanner} and {@code summary.summary} counts by severity);
   * empty while no scan has succeeded.
   */
  static Optional<ImageScanned> overview(String digest, JsonNode artifact) {
    for (JsonNode report : artifact.path("scan_overview")) {
      if (!"Success".equals(report.path("scan_status").stringValue(null))) {
        continue;
      }
      Map<String, Integer> summary = new LinkedHashMap<>();
      for (Map.Entry<String, JsonNode> count :
          report.path("summary").path("summary").properties()) {
        if (ImageScanned.SEVERITIES.contains(count.getKey())
            && count.getValue().isIntegralNumber()) {
          summary.put(count.getKey(), count.getValue().intValue());
        }
      }
      JsonNode scanner = report.path("scanner");
      String name =
          (scanner.path("name").stringValue("Harbor scanner")
                  + " "
                  + scanner.path("version").stringValue(""))
              .trim()
              .replaceAll("[^A-Za-z0-9 ._+:()/@-]", "");
      name = name.isEmpty() ? "Harbor scanner" : name.substring(0, Math.min(name.length(), 128));
      return Optional.of(new ImageScanned(digest, name, summary));
    }
    return Optional.empty();
  }
}
