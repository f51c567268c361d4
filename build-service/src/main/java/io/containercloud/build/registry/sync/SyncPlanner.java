package io.containercloud.build.registry.sync;

import io.containercloud.build.registry.oci.OciClient;
import io.containercloud.build.registry.oci.OciException;
import io.containercloud.build.registry.rooms.ImageRegistry;
import io.containercloud.build.registry.rooms.ImageRegistryRepository;
import io.containercloud.build.registry.rooms.RegistryClients;
import io.containercloud.common.event.contract.ImagePushed;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * What an execution copies: for a push, that image to each destination (queued in the push's own
 * transaction, so a recorded push always reaches its policies); for a full sync, every tag of the
 * source's matching repositories, and with deletions replicated, the removal of the destinations'
 * matching tags the source no longer has.
 */
@Component
public class SyncPlanner {

  private static final Logger log = LoggerFactory.getLogger(SyncPlanner.class);
  // how long a planning may take before another instance takes it over
  private static final Duration PLAN_LEASE = Duration.ofMinutes(5);

  private final ImageRegistryRepository registries;
  private final SyncPolicyRepository policies;
  private final SyncExecutions executions;
  private final RegistryClients clients;
  private final TransactionTemplate tx;
  private final ApplicationEventPublisher events;
  private final SyncProperties properties;

  SyncPlanner(
      ImageRegistryRepository registries,
      SyncPolicyRepository policies,
      SyncExecutions executions,
      RegistryClients clients,
      TransactionTemplate tx,
      ApplicationEventPublisher events,
      SyncProperties properties) {
    this.registries = registries;
    this.policies = policies;
    this.executions = executions;
    this.clients = clients;
    this.tx = tx;
    this.events = events;
    this.properties = properties;
  }

  /**
   * Queues the push for every enabled event policy of its project that it matches, in the caller's
   * transaction.
   *
   * @return how many executions it started
   */
  public int onPush(ImagePushed push) {
    String project = push.project();
    if (push.repository().length() <= project.length()) {
      return 0; // a repository outside every project
    }
    String inside = push.repository().substring(project.length() + 1);
    Set<String> sources = new HashSet<>();
    for (ImageRegistry registry : registries.findAll()) {
      if (registry.authority().equals(push.registry())) {
        sources.add(registry.name());
      }
    }
    int started = 0;
    for (SyncPolicy policy : sources.isEmpty() ? List.<SyncPolicy>of() : policies.list(project)) {
      SyncPolicySpec spec = policy.spec();
      if (spec.enabled()
          && spec.trigger() == SyncPolicySpec.Trigger.EVENT
          && sources.contains(spec.source())
          && spec.matches(inside, push.tag())) {
        List<SyncExecutions.NewItem> items = new ArrayList<>();
        for (String destination : spec.destinations()) {
          items.add(
              new SyncExecutions.NewItem(
                  spec.source(),
                  destination,
                  push.repository(),
                  push.tag(),
                  SyncItem.Action.COPY,
                  push.digest()));
        }
        executions.create(policy, SyncPolicySpec.Trigger.EVENT, items);
        events.publishEvent(new SyncQueued());
        started++;
      }
    }
    return started;
  }

  /**
   * Plans full sync {@code executionId}, unless another instance is: lists the source (and with
   * deletions replicated, the destinations) outside any transaction, then queues the items; a
   * planning that fails is tried again after a backoff, its reason shown meanwhile.
   */
  void plan(long executionId) {
    Optional<Long> policyId = executions.claimPlanning(executionId, PLAN_LEASE);
    if (policyId.isEmpty()) {
      return;
    }
    Optional<SyncPolicy> policy = policies.find(policyId.get());
    try {
      Plan plan =
          policy.isPresent()
              ? plan(policy.get())
              : new Plan(List.of(), "the policy was deleted before its run was planned");
      tx.executeWithoutResult(
          status -> {
            if (executions.planned(executionId, plan.items(), plan.note())) {
              events.publishEvent(new SyncQueued());
            }
          });
    } catch (OciException | RuntimeException e) {
      int attempts = executions.planAttempts(executionId);
      Duration wait = properties.retryInitial().multipliedBy(1L << Math.min(attempts, 20));
      if (wait.compareTo(properties.retryMax()) > 0) {
        wait = properties.retryMax();
      }
      log.warn(
          "planning sync execution {} failed (try {}): {}", executionId, attempts, e.toString());
      executions.planLater(executionId, e.getMessage(), wait);
    }
  }

  /** A full sync's items, and what it left out (or null). */
  private record Plan(List<SyncExecutions.NewItem> items, String note) {}

  private Plan plan(SyncPolicy policy) throws OciException {
    SyncPolicySpec spec = policy.spec();
    String prefix = policy.tenant() + "/";
    OciClient source = clients.client(spec.source());
    Map<String, List<String>> wanted = new HashMap<>();
    for (String repository : source.repositories(prefix)) {
      if (Glob.matches(spec.repositories(), repository.substring(prefix.length()))) {
        wanted.put(
            repository,
            source.tags(repository).stream().filter(t -> Glob.matches(spec.tags(), t)).toList());
      }
    }
    List<SyncExecutions.NewItem> items = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    for (String destination : spec.destinations()) {
      wanted.forEach(
          (repository, tags) ->
              tags.forEach(
                  tag ->
                      items.add(
                          new SyncExecutions.NewItem(
                              spec.source(),
                              destination,
                              repository,
                              tag,
                              SyncItem.Action.COPY,
                              null))));
      if (!spec.replicateDeletions()) {
        continue;
      }
      if (wanted.isEmpty()) {
        // a source emptied or replaced: deleting everything it lacks would empty every room
        notes.add("the source holds nothing the policy matches: deletions not replicated");
        break;
      }
      try {
        items.addAll(deletions(spec, prefix, source, destination));
      } catch (OciException e) {
        notes.add("deletions not replicated to " + destination + ": " + e.getMessage());
      }
    }
    return new Plan(items, notes.isEmpty() ? null : String.join("; ", notes));
  }

  /**
   * The destination's tags that the policy matches and the source lacks, each with the digest it
   * points at: only digests no source tag of the repository points at, and only when every tag on
   * that digest at the destination goes too (a manifest is deleted by digest, with every tag on it;
   * a tag the policy does not match, or that the source still has, keeps it).
   */
  private List<SyncExecutions.NewItem> deletions(
      SyncPolicySpec spec, String prefix, OciClient source, String destination)
      throws OciException {
    OciClient target = clients.client(destination);
    List<SyncExecutions.NewItem> deletions = new ArrayList<>();
    for (String repository : target.repositories(prefix)) {
      if (!Glob.matches(spec.repositories(), repository.substring(prefix.length()))) {
        continue;
      }
      Set<String> sourceTags = new HashSet<>(source.tags(repository));
      Map<String, String> digests = new HashMap<>();
      for (String tag : target.tags(repository)) {
        target.manifestDigest(repository, tag).ifPresent(digest -> digests.put(tag, digest));
      }
      Set<String> gone = new HashSet<>();
      for (String tag : digests.keySet()) {
        if (Glob.matches(spec.tags(), tag) && !sourceTags.contains(tag)) {
          gone.add(tag);
        }
      }
      if (gone.isEmpty()) {
        continue;
      }
      Set<String> kept = new HashSet<>();
      for (String tag : sourceTags) {
        source.manifestDigest(repository, tag).ifPresent(kept::add);
      }
      digests.forEach(
          (tag, digest) -> {
            if (!gone.contains(tag)) {
              kept.add(digest); // another tag at the destination still needs it
            }
          });
      for (String tag : gone) {
        String digest = digests.get(tag);
        if (!kept.contains(digest)) {
          deletions.add(
              new SyncExecutions.NewItem(
                  spec.source(), destination, repository, tag, SyncItem.Action.DELETE, digest));
        }
      }
    }
    return deletions;
  }
}
