package io.containercloud.orchestrator.workload;

import tools.jackson.databind.JsonNode;

/** A deploy, as cluster-service takes it. */
public record DeployRequest(
    String name, String image, Integer replicas, Autoscale autoscale, JsonNode spec) {}
