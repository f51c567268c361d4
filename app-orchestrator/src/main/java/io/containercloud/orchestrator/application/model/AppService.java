package io.containercloud.orchestrator.application.model;

import io.containercloud.orchestrator.workload.Autoscale;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.List;
import tools.jackson.databind.node.ObjectNode;

/**
 * One service of an application: a workload in cluster-service (image, replicas or autoscale, and
 * its {@code spec} as cluster-service takes it) plus what only the application knows: the services
 * it needs Ready first, when it counts as Ready itself, and the image pushes that upgrade it.
 *
 * @param name the service's name in the application; its workload is {@code <application>-<name>}
 * @param spec the workload's spec without {@code application} and {@code follow}, which the
 *     application sets (cluster-service checks every field of it)
 * @param dependsOn names of services of the same application that must be Ready before it starts
 * @param readiness when it counts as Ready (default: every replica, within 5 minutes)
 * @param follow the image whose pushes upgrade it through the application (never the workload's own
 *     follow, so one push starts one upgrade)
 */
public record AppService(
    @NotNull @Pattern(regexp = Names.LABEL, message = Names.LABEL_MESSAGE) String name,
    @NotNull @Size(max = 512) String image,
    @Min(value = 0, message = "cannot be negative") @Max(1000) Integer replicas,
    @Valid Autoscale autoscale,
    @NotNull ObjectNode spec,
    @Size(max = 50)
        List<@NotNull @Pattern(regexp = Names.LABEL, message = Names.LABEL_MESSAGE) String>
            dependsOn,
    @Valid Readiness readiness,
    @Valid Follow follow) {

  public AppService {
    dependsOn = dependsOn == null ? List.of() : List.copyOf(dependsOn);
    readiness = readiness == null ? Readiness.ALL : readiness;
  }

  /** The replicas it runs when started: the count, or the autoscale minimum. */
  public int startReplicas() {
    if (autoscale != null) {
      return replicas == null ? autoscale.min() : replicas;
    }
    return replicas == null ? 0 : replicas;
  }

  /** The same service running {@code newImage}. */
  public AppService withImage(String newImage) {
    return new AppService(name, newImage, replicas, autoscale, spec, dependsOn, readiness, follow);
  }
}
