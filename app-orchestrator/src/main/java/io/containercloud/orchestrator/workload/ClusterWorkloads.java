package io.containercloud.orchestrator.workload;

import feign.FeignException;
import io.containercloud.common.error.FieldViolation;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * cluster-service's workloads through {@link ClusterServiceClient}, with one circuit breaker for
 * the service (failures are what says nothing about the request: unreachable, 5xx, timeouts; a
 * refusal is an answer) and retries for reads only. Changes are never retried here: the step that
 * makes one reads the workload again and decides anew, so a change that did happen is not sent
 * twice. Work of the orchestrator's own carries a service token of the workload's tenant.
 */
@Component
public class ClusterWorkloads {

  private final ClusterServiceClient client;
  private final ServiceTokens tokens;
  private final JsonMapper json;
  private final CircuitBreaker breaker;
  private final Retry reads;

  ClusterWorkloads(
      ClusterServiceClient client,
      ServiceTokens tokens,
      JsonMapper json,
      ClusterServiceProperties properties,
      MeterRegistry meters) {
    this.client = client;
    this.tokens = tokens;
    this.json = json;
    CircuitBreakerRegistry breakers =
        CircuitBreakerRegistry.of(
            CircuitBreakerConfig.custom()
                .slidingWindowSize(properties.window())
                .minimumNumberOfCalls(Math.min(properties.window(), 5))
                .failureRateThreshold(properties.failureRate())
                .waitDurationInOpenState(properties.openFor())
                .permittedNumberOfCallsInHalfOpenState(2)
                .recordException(ClusterWorkloads::saysNothing)
                .build());
    TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(breakers).bindTo(meters);
    this.breaker = breakers.circuitBreaker("cluster-service");
    this.reads =
        Retry.of(
            "cluster-service-reads",
            RetryConfig.custom()
                .maxAttempts(properties.readAttempts())
                .waitDuration(properties.retryWait())
                .retryOnException(e -> saysNothing(e) && !(e instanceof CallNotPermittedException))
                .build());
  }

  /** Whether calls go through now (false while the breaker is open). */
  public boolean available() {
    return breaker.getState() != CircuitBreaker.State.OPEN
        && breaker.getState() != CircuitBreaker.State.FORCED_OPEN;
  }

  /** A dry run of a deploy, as the caller whose token is relayed. */
  public Answer<JsonNode> plan(String authorization, DeployRequest deploy) {
    return call(() -> client.plan(authorization, deploy));
  }

  public Answer<WorkloadResponse> get(String tenant, String name) {
    return call(
        Retry.decorateSupplier(
            reads, () -> client.get(tokens.authorization(tenant), tenant, name)));
  }

  public Answer<WorkloadResponse> deploy(String tenant, String key, DeployRequest deploy) {
    return call(() -> client.deploy(tokens.authorization(tenant), key, deploy));
  }

  public Answer<WorkloadResponse> image(
      String tenant, String name, String key, long version, String image) {
    return call(
        () ->
            client.image(
                tokens.authorization(tenant),
                key,
                etag(version),
                tenant,
                name,
                new ClusterServiceClient.ImageRequest(image)));
  }

  public Answer<WorkloadResponse> spec(
      String tenant, String name, String key, long version, JsonNode spec) {
    return call(
        () -> client.spec(tokens.authorization(tenant), key, etag(version), tenant, name, spec));
  }

  public Answer<WorkloadResponse> replicas(
      String tenant, String name, String key, long version, int replicas) {
    return call(
        () ->
            client.replicas(
                tokens.authorization(tenant),
                key,
                etag(version),
                tenant,
                name,
                new ClusterServiceClient.ReplicasRequest(replicas)));
  }

  public Answer<WorkloadResponse> autoscale(
      String tenant, String name, String key, long version, Autoscale autoscale) {
    return call(
        () ->
            client.autoscale(
                tokens.authorization(tenant), key, etag(version), tenant, name, autoscale));
  }

  public Answer<WorkloadResponse> stopAutoscale(
      String tenant, String name, String key, long version) {
    return call(
        () -> client.stopAutoscale(tokens.authorization(tenant), key, etag(version), tenant, name));
  }

  public Answer<Void> delete(String tenant, String name, String key, long version) {
    return call(
        () -> {
          client.delete(tokens.authorization(tenant), key, etag(version), tenant, name);
          return null;
        });
  }

  private <T> Answer<T> call(Supplier<T> call) {
    try {
      return new Answer.Ok<>(breaker.executeSupplier(call));
    } catch (CallNotPermittedException e) {
      return new Answer.Unavailable<>("cluster-service is unavailable (circuit open)");
    } catch (ServiceTokens.ServiceTokenException e) {
      return new Answer.Unavailable<>("no service token: " + e.getMessage());
    } catch (FeignException e) {
      if (saysNothing(e)) {
        return new Answer.Unavailable<>("cluster-service is unavailable: " + brief(e));
      }
      if (e.status() == 404) {
        return new Answer.Missing<>();
      }
      return refused(e);
    }
  }

  private <T> Answer<T> refused(FeignException e) {
    String code = null;
    String detail = e.getMessage();
    List<FieldViolation> violations = new ArrayList<>();
    try {
      JsonNode problem = json.readTree(e.contentUTF8());
      code = text(problem, "code");
      detail = text(problem, "detail");
      JsonNode errors = problem.get("errors");
      if (errors != null) {
        errors.forEach(
            v -> violations.add(new FieldViolation(text(v, "field"), text(v, "reason"))));
      }
    } catch (RuntimeException unreadable) {
      // not problem details: the status and Feign's message say what there is
    }
    return new Answer.Refused<>(e.status(), code, detail, violations);
  }

  private static String text(JsonNode node, String member) {
    JsonNode value = node == null ? null : node.get(member);
    return value == null || value.isNull() ? null : value.asString();
  }

  /**
   * Failures that say nothing about the request: the breaker counts these, and reads retry them.
   */
  static boolean saysNothing(Throwable e) {
    if (e instanceof FeignException feign) {
      return feign.status() < 0 || feign.status() >= 500 || feign.status() == 429;
    }
    return !(e instanceof ServiceTokens.ServiceTokenException);
  }

  private static String brief(FeignException e) {
    return e.status() < 0 ? e.getClass().getSimpleName() + ": " + e.getMessage() : "" + e.status();
  }

  private static String etag(long version) {
    return "\"" + version + "\"";
  }
}
