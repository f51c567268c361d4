package io.containercloud.dns.naming;

import io.containercloud.common.event.contract.EndpointsChanged;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Each workload's ready addresses per Kubernetes cluster, as the latest endpoint event said. */
@Repository
class WorkloadEndpoints {

  private final JdbcClient jdbc;

  WorkloadEndpoints(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /**
   * Records the addresses of one cluster.
   *
   * @return the application the workload belonged to before, when it was another one (its name must
   *     go), else null
   */
  String record(EndpointsChanged endpoints) {
    String before =
        jdbc.sql(
                "SELECT application FROM workload_endpoints"
                    + " WHERE tenant = ? AND service = ? AND application <> ? LIMIT 1")
            .params(endpoints.namespace(), endpoints.service(), endpoints.application())
            .query(String.class)
            .optional()
            .orElse(null);
    if (before != null) {
      jdbc.sql(
              "DELETE FROM workload_endpoints WHERE tenant = ? AND service = ? AND application = ?")
          .params(endpoints.namespace(), endpoints.service(), before)
          .update();
    }
    jdbc.sql(
            "INSERT INTO workload_endpoints (tenant, service, cluster, application, addresses)"
                + " VALUES (?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE application = VALUES(application),"
                + " addresses = VALUES(addresses), updated_at = CURRENT_TIMESTAMP(3)")
        .params(
            endpoints.namespace(),
            endpoints.service(),
            endpoints.cluster(),
            endpoints.application(),
            String.join(",", endpoints.addresses()))
        .update();
    return before;
  }

  /** The union of the workload's addresses over every cluster, sorted. */
  List<String> union(String tenant, String service) {
    TreeSet<String> all = new TreeSet<>();
    jdbc.sql("SELECT addresses FROM workload_endpoints WHERE tenant = ? AND service = ?")
        .params(tenant, service)
        .query(String.class)
        .list()
        .forEach(
            list -> Arrays.stream(list.split(",")).filter(a -> !a.isEmpty()).forEach(all::add));
    return List.copyOf(all);
  }
}
