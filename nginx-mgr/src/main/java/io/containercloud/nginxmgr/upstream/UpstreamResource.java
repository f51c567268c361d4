package io.containercloud.nginxmgr.upstream;

import io.containercloud.common.error.FieldViolation;
import io.containercloud.common.error.ProblemException;
import io.containercloud.common.event.CloudEvent;
import io.containercloud.common.event.Topic;
import io.containercloud.common.security.Caller;
import io.containercloud.nginx.hosts.HostNames;
import io.containercloud.nginx.model.NginxKeys;
import io.containercloud.nginx.model.Upstream;
import io.containercloud.nginxmgr.event.EtcdOutbox;
import io.containercloud.nginxmgr.event.NginxEventType;
import io.containercloud.nginxmgr.store.Documents;
import io.containercloud.nginxmgr.store.Documents.Versioned;
import io.containercloud.nginxmgr.store.ObjectStatus;
import io.containercloud.nginxmgr.store.TenantObjectEndpoints;
import io.containercloud.nginxmgr.store.TenantObjects;
import io.containercloud.nginxmgr.store.Versions;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.http.ResponseEntity;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.json.JsonMapper;

/**
 * Upstreams of an nginx cluster, per tenant, and the switch between their backend groups: each
 * switch commits with an {@code nginx.upstream.switched} event naming who did it.
 */
@RestController
@RequestMapping("/clusters/{cluster}/upstreams")
@Validated
class UpstreamResource extends TenantObjectEndpoints<Upstream, UpstreamRequest> {

  private static final Duration LOOKUP_TIMEOUT = Duration.ofSeconds(2);

  private final EtcdOutbox outbox;
  private final JsonMapper json;
  private final EndpointEventListener endpoints;

  UpstreamResource(
      Documents documents,
      EtcdOutbox outbox,
      JsonMapper json,
      EndpointEventListener endpoints,
      ObjectStatus.Lookup statuses) {
    super(objects(documents), statuses, "upstream");
    this.outbox = outbox;
    this.json = json;
    this.endpoints = endpoints;
  }

  /** A container group starts with the addresses its service last announced. */
  @Override
  protected Versioned<Upstream> written(String cluster, Versioned<Upstream> upstream) {
    return endpoints.fill(cluster, upstream);
  }

  static TenantObjects<Upstream> objects(Documents documents) {
    return new TenantObjects<>(
        documents,
        Upstream.class,
        "upstream",
        NginxKeys::upstreams,
        (cluster, upstream) -> requireResolvableHosts(upstream));
  }

  /**
   * nginx refuses a whole configuration for one VM host name it cannot resolve, so a name must
   * resolve now; the agents check again before each render and leave out only that member.
   */
  private static void requireResolvableHosts(Upstream upstream) {
    if (upstream.vm() == null) {
      return;
    }
    List<Upstream.VmMember> members = upstream.vm().members();
    Set<String> names =
        HostNames.unresolved(
            members.stream().map(Upstream.VmMember::host).toList(), LOOKUP_TIMEOUT);
    List<FieldViolation> unresolved = new ArrayList<>();
    for (int i = 0; i < members.size(); i++) {
      if (names.contains(members.get(i).host())) {
        unresolved.add(
            new FieldViolation(
                "vm.members[" + i + "].host",
                "does not resolve; use an IP address or a name the nginx hosts resolve"));
      }
    }
    if (!unresolved.isEmpty()) {
      throw ProblemException.unprocessable(
          "host-unresolved", "A VM member's host name does not resolve.", unresolved);
    }
  }

  /**
   * @param active the group(s) that serve from now on
   * @param weights the groups' shares; required for {@code both}
   */
  record Switch(@NotNull Upstream.Active active, @Valid UpstreamRequest.Weights weights) {}

  /** Flips which group serves; If-Match is optional here (an emergency flip needs no read). */
  @PostMapping("/{name}/switch")
  ResponseEntity<Upstream> flip(
      @PathVariable String cluster,
      @PathVariable String name,
      @RequestHeader(name = "If-Match", required = false) String ifMatch,
      @Valid @RequestBody Switch request) {
    String user = Caller.current().user();
    Versioned<Upstream> switched =
        objects()
            .change(
                cluster,
                name,
                ifMatch,
                current -> switched(current, request),
                (before, after) ->
                    outbox.entry(
                        Topic.NGINX_EVENTS,
                        cluster + "/" + name,
                        CloudEvent.of(
                            "/nginx-mgr",
                            NginxEventType.UPSTREAM_SWITCHED,
                            cluster + "/" + name,
                            after.tenant(),
                            json.valueToTree(
                                Map.of(
                                    "cluster", cluster,
                                    "upstream", name,
                                    "from", before.active().json(),
                                    "to", after.active().json(),
                                    "by", user)))));
    outbox.wake();
    return ResponseEntity.ok().eTag(Versions.etag(switched.revision())).body(switched.value());
  }

  private static Upstream switched(Upstream current, Switch request) {
    boolean defined =
        switch (request.active()) {
          case VM -> current.vm() != null;
          case CONTAINER -> current.container() != null;
          case BOTH -> current.vm() != null && current.container() != null;
        };
    if (!defined) {
      throw ProblemException.unprocessable(
          "group-missing",
          "Upstream '"
              + current.name()
              + "' has no "
              + request.active().json()
              + " group to switch to.",
          List.of(new FieldViolation("active", "names a group the upstream does not have")));
    }
    Upstream.Weights weights =
        request.weights() != null ? request.weights().toDocument() : current.weights();
    if (request.active() == Upstream.Active.BOTH && weights == null) {
      throw ProblemException.invalid("weights", "are required when both groups serve");
    }
    return new Upstream(
        current.name(),
        current.tenant(),
        current.balance(),
        current.vm(),
        current.container(),
        request.active(),
        weights,
        current.healthCheck());
  }
}
