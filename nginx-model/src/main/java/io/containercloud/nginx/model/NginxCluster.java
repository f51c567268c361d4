package io.containercloud.nginx.model;

import com.fasterxml.jackson.annotation.JsonValue;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

/**
 * A group of nginx hosts that serve the same configuration ({@code /nginx/v1/clusters/<name>}).
 *
 * @param name the cluster's name, also its key
 * @param flavour which server the hosts run; decides the templates and the health checks
 * @param version the server version the hosts run, for operators (agents report theirs)
 * @param templateSet the template set to render with (agents ship {@code standard})
 * @param defaults listen ports for servers that name none
 */
public record NginxCluster(
    @NotNull @Pattern(regexp = Syntax.NAME, message = Syntax.NAME_MESSAGE) String name,
    @NotNull Flavour flavour,
    @NotNull @Pattern(regexp = Syntax.VERSION, message = Syntax.VERSION_MESSAGE) String version,
    @NotNull @Pattern(regexp = "standard", message = "must be one of: standard") String templateSet,
    @Valid @NotNull Defaults defaults) {

  public enum Flavour {
    NGINX("nginx"),
    TENGINE("tengine");

    private final String json;

    Flavour(String json) {
      this.json = json;
    }

    @JsonValue
    public String json() {
      return json;
    }
  }

  /**
   * @param httpPort port of plain-HTTP listeners
   * @param httpsPort port of TLS listeners
   */
  public record Defaults(
      @NotNull @Min(1) @Max(65535) Integer httpPort,
      @NotNull @Min(1) @Max(65535) Integer httpsPort) {}
}
