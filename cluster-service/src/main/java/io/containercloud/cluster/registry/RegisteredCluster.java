package io.containercloud.cluster.registry;

import java.time.Instant;
import java.util.Map;

/** A registered cluster as stored (its kubeconfig stays encrypted until a client needs it). */
record RegisteredCluster(
    String name,
    String machineRoom,
    Map<String, String> labels,
    byte[] kubeconfig,
    Instant createdAt) {}
