package io.containercloud.orchestrator.workload;

import org.springframework.cloud.openfeign.FeignClient;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import tools.jackson.databind.JsonNode;

/**
 * cluster-service's workload API, as its OpenAPI document describes it. Every call carries a token
 * (the user's, relayed, or a service token of the tenant: cluster-service checks the tenant either
 * way); every change carries an {@code Idempotency-Key}, and every change of an existing workload
 * the version it was decided on.
 */
@FeignClient(
    name = "cluster-service",
    url = "${platform.apps.cluster-service.url}",
    configuration = ClusterServiceFeignConfiguration.class)
interface ClusterServiceClient {

  String AUTHORIZATION = "Authorization";
  String IDEMPOTENCY_KEY = "Idempotency-Key";
  String IF_MATCH = "If-Match";

  @GetMapping("/workloads/{tenant}/{name}")
  WorkloadResponse get(
      @RequestHeader(AUTHORIZATION) String authorization,
      @PathVariable("tenant") String tenant,
      @PathVariable("name") String name);

  @PostMapping("/workloads?dryRun=true")
  JsonNode plan(
      @RequestHeader(AUTHORIZATION) String authorization, @RequestBody DeployRequest deploy);

  @PostMapping("/workloads")
  WorkloadResponse deploy(
      @RequestHeader(AUTHORIZATION) String authorization,
      @RequestHeader(IDEMPOTENCY_KEY) String key,
      @RequestBody DeployRequest deploy);

  @PutMapping("/workloads/{tenant}/{name}/image")
  WorkloadResponse image(
      @RequestHeader(AUTHORIZATION) String authorization,
      @RequestHeader(IDEMPOTENCY_KEY) String key,
      @RequestHeader(IF_MATCH) String ifMatch,
      @PathVariable("tenant") String tenant,
      @PathVariable("name") String name,
      @RequestBody ImageRequest image);

  @PutMapping("/workloads/{tenant}/{name}/spec")
  WorkloadResponse spec(
      @RequestHeader(AUTHORIZATION) String authorization,
      @RequestHeader(IDEMPOTENCY_KEY) String key,
      @RequestHeader(IF_MATCH) String ifMatch,
      @PathVariable("tenant") String tenant,
      @PathVariable("name") String name,
      @RequestBody JsonNode spec);

  @PutMapping("/workloads/{tenant}/{name}/replicas")
  WorkloadResponse replicas(
      @RequestHeader(AUTHORIZATION) String authorization,
      @RequestHeader(IDEMPOTENCY_KEY) String key,
      @RequestHeader(IF_MATCH) String ifMatch,
      @PathVariable("tenant") String tenant,
      @PathVariable("name") String name,
      @RequestBody ReplicasRequest replicas);

  @PutMapping("/workloads/{tenant}/{name}/autoscale")
  WorkloadResponse autoscale(
      @RequestHeader(AUTHORIZATION) String authorization,
      @RequestHeader(IDEMPOTENCY_KEY) String key,
      @RequestHeader(IF_MATCH) String ifMatch,
      @PathVariable("tenant") String tenant,
      @PathVariable("name") String name,
      @RequestBody Autoscale autoscale);

  @DeleteMapping("/workloads/{tenant}/{name}/autoscale")
  WorkloadResponse stopAutoscale(
      @RequestHeader(AUTHORIZATION) String authorization,
      @RequestHeader(IDEMPOTENCY_KEY) String key,
      @RequestHeader(IF_MATCH) String ifMatch,
      @PathVariable("tenant") String tenant,
      @PathVariable("name") String name);

  @DeleteMapping("/workloads/{tenant}/{name}")
  void delete(
      @RequestHeader(AUTHORIZATION) String authorization,
      @RequestHeader(IDEMPOTENCY_KEY) String key,
      @RequestHeader(IF_MATCH) String ifMatch,
      @PathVariable("tenant") String tenant,
      @PathVariable("name") String name);

  record ImageRequest(String image) {}

  record ReplicasRequest(int replicas) {}
}
