package io.containercloud.nginx.model;

import com.fasterxml.jackson.annotation.JsonValue;
import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.List;
import java.util.Map;

/**
 * One virtual server of an nginx cluster ({@code /nginx/v1/clusters/<cluster>/servers/<name>}).
 * Every string is held to an allow-list ({@link Syntax}) before it is stored, so rendering never
 * sees text that could carry a directive.
 *
 * @param name the server's name within its cluster
 * @param tenant the owning tenant
 * @param serverNames host names it answers for
 * @param listen its listeners; none: the cluster's default HTTP port, and its HTTPS port with TLS
 * @param tls the managed certificate it presents, required when a listener uses TLS
 * @param locations where requests go, by path
 */
public record VirtualServer(
    @NotNull @Pattern(regexp = Syntax.NAME, message = Syntax.NAME_MESSAGE) String name,
    @Pattern(regexp = Syntax.NAME, message = Syntax.NAME_MESSAGE) String tenant,
    @NotEmpty @Size(max = 32)
        List<
                @NotNull @Size(max = 253)
                @Pattern(regexp = Syntax.SERVER_NAME, message = Syntax.SERVER_NAME_MESSAGE) String>
            serverNames,
    @Size(max = 8) List<@Valid @NotNull Listen> listen,
    @Valid Tls tls,
    @NotEmpty @Size(max = 64) List<@Valid @NotNull Location> locations)
    implements TenantOwned {

  @AssertTrue(message = "a TLS listener needs tls.certificate")
  boolean isTls() {
    return listen == null || tls != null || listen.stream().noneMatch(l -> l != null && l.ssl());
  }

  /**
   * @param port the port
   * @param ssl whether it terminates TLS
   * @param http2 whether it offers HTTP/2
   */
  public record Listen(@NotNull @Min(1) @Max(65535) Integer port, Boolean ssl, Boolean http2) {

    public Listen {
      ssl = Boolean.TRUE.equals(ssl);
      http2 = Boolean.TRUE.equals(http2);
    }
  }

  /**
   * @param certificate the name of a managed certificate of the same cluster and tenant ({@link
   *     ManagedCertificate}); the agent writes its files, nothing else on the host is named
   */
  public record Tls(
      @NotNull @Pattern(regexp = Syntax.NAME, message = Syntax.NAME_MESSAGE) String certificate) {}

  /**
   * @param path the request path it matches
   * @param match prefix or exact
   * @param upstream the upstream (same cluster) requests go to
   * @param connectTimeout {@code proxy_connect_timeout}
   * @param readTimeout {@code proxy_read_timeout}
   * @param sendTimeout {@code proxy_send_timeout}
   * @param setHeaders request headers set towards the upstream
   * @param websocket whether to pass WebSocket upgrades
   * @param clientMaxBodySize the largest request body accepted
   */
  public record Location(
      @NotNull @Size(max = 256) @Pattern(regexp = Syntax.PATH, message = Syntax.PATH_MESSAGE)
          String path,
      @NotNull Match match,
      @NotNull @Pattern(regexp = Syntax.NAME, message = Syntax.NAME_MESSAGE) String upstream,
      @Pattern(regexp = Syntax.DURATION, message = Syntax.DURATION_MESSAGE) String connectTimeout,
      @Pattern(regexp = Syntax.DURATION, message = Syntax.DURATION_MESSAGE) String readTimeout,
      @Pattern(regexp = Syntax.DURATION, message = Syntax.DURATION_MESSAGE) String sendTimeout,
      @Size(max = 16)
          Map<
                  @NotNull
                  @Pattern(regexp = Syntax.HEADER_NAME, message = Syntax.HEADER_NAME_MESSAGE)
                  String,
                  @NotNull
                  @Pattern(regexp = Syntax.HEADER_VALUE, message = Syntax.HEADER_VALUE_MESSAGE)
                  String>
              setHeaders,
      Boolean websocket,
      @Pattern(regexp = Syntax.SIZE, message = Syntax.SIZE_MESSAGE) String clientMaxBodySize) {

    public Location {
      websocket = Boolean.TRUE.equals(websocket);
    }
  }

  public enum Match {
    PREFIX("prefix"),
    EXACT("exact");

    private final String json;

    Match(String json) {
      this.json = json;
    }

    @JsonValue
    public String json() {
      return json;
    }
  }
}
