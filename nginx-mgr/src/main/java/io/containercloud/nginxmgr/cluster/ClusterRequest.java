package io.containercloud.nginxmgr.cluster;

import io.containercloud.nginx.model.NginxCluster;
import io.containercloud.nginx.model.Syntax;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

/**
 * An nginx cluster as platform admins send it, stored as an {@link NginxCluster}.
 *
 * @param name the cluster's name, also its key
 * @param flavour which server the hosts run; decides the templates and the health checks
 * @param version the server version the hosts run, for operators (agents report theirs)
 * @param templateSet the template set to render with (agents ship {@code standard})
 * @param defaults listen ports for servers that name none
 */
record ClusterRequest(
    @NotNull @Pattern(regexp = Syntax.NAME, message = Syntax.NAME_MESSAGE) String name,
    @NotNull NginxCluster.Flavour flavour,
    @NotNull @Pattern(regexp = Syntax.VERSION, message = Syntax.VERSION_MESSAGE) String version,
    @NotNull @Pattern(regexp = "standard", message = "must be one of: standard") String templateSet,
    @Valid @NotNull Defaults defaults) {

  NginxCluster toDocument() {
    return new NginxCluster(
        name,
        flavour,
        version,
        templateSet,
        new NginxCluster.Defaults(defaults.httpPort(), defaults.httpsPort()));
  }

  /**
   * @param httpPort port of plain-HTTP listeners
   * @param httpsPort port of TLS listeners
   */
  record Defaults(
      @NotNull @Min(1) @Max(65535) Integer httpPort,
      @NotNull @Min(1) @Max(65535) Integer httpsPort) {}
}
