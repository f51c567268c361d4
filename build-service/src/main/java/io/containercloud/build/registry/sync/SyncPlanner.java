package io.containercloud.build.registry.sync;

import io.containercloud.build.registry.oci.OciClient;
import io.containercloud.build.registry.oci.OciException;
import io.containercloud.build.registry.rooms.ImageRegistry;
import io.containercloud.build.registry.rooms.ImageRegistryRepository;
import io.containercloud.build.registry.rooms.RegistryClients;
import io.containercloud.common.event.contract.ImagePushed;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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

  private final ImageRegistryRepository registries;
  private final SyncPolicyRepository policies;
  private final SyncExecutions executions;
  private final RegistryClients clients;
  private final TransactionTemplate tx;
  private final ApplicationEventPublisher events;

  SyncPlanner(
      ImageRegistryRepository registries,
      SyncPolicyRepository policies,
      SyncExecutions executions,
      RegistryClients clients,
      TransactionTemplate tx,
      ApplicationEventPublisher events) {
    this.registries = registries;
    this.policies = policies;
    this.executions = executions;
    this.clients = clients;
    this.tx = tx;
    this.events = events;
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
   * Plans full sync {@code executionId}, unless another instance did: lists the source (and with
   * deletions replicated, the destinations) and queues the items, or records why it could not.
   */
  void plan(long executionId) {
    tx.executeWithoutResult(
        status ->
            executions
                .lockUnplanned(executionId)
                .flatMap(policies::find)
                .ifPresent(
                    policy -> {
                      try {
                        executions.add(executionId, items(policy));
                        executions.planned(executionId, null);
                        events.publishEvent(new SyncQueued());
                      } catch (OciException e) {
                        executions.planned(executionId, e.getMessage());
                      }
                    }));
  }

  private List<SyncExecutions.NewItem> items(SyncPolicy policy) throws OciException {
    SyncPolicySpec spec = policy.spec();
    String prefix = policy.tenant() + "/";
    OciClient source = client(spec.source());
    Map<String, List<String>> wanted = new HashMap<>();
    for (String repository : source.repositories(prefix)) {
      if (Glob.matches(spec.repositories(), repository.substring(prefix.length()))) {
        wanted.put(
            repository,
            source.tags(repository).stream().filter(t -> Glob.matches(spec.tags(), t)).toList());
      }
    }
    List<SyncExecutions.NewItem> items = new ArrayList<>();
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
      if (spec.replicateDeletions()) {
        items.addAll(deletions(spec, prefix, source, destination, wanted));
      }
    }
    return items;
  }

  /**
   * The destination's matching tags the source lacks, each with the digest it points at; none whose
   * digest a source tag of the repository still has (a manifest is deleted by digest, with every
   * tag on it).
   */
  private List<SyncExecutions.NewItem> deletions(
      SyncPolicySpec spec,
      String prefix,
      OciClient source,
      String destination,
      Map<String, List<String>> wanted)
      throws OciException {
    OciClient target = client(destination);
    List<SyncExecutions.NewItem> deletions = new ArrayList<>();
    for (String repository : target.repositories(prefix)) {
      if (!Glob.matches(spec.repositories(), repository.substring(prefix.length()))) {
        continue;
      }
      List<String> kept = wanted.getOrDefault(repository, List.of());
      Set<String> keptDigests = null;
      for (String tag : target.tags(repository)) {
        if (!Glob.matches(spec.tags(), tag) || kept.contains(tag)) {
          continue;
        }
        Optional<String> digest = target.manifestDigest(repository, tag);
        if (digest.isEmpty()) {
          continue;
        }
        if (keptDigests == null) {
          keptDigests = new HashSet<>();
          for (String one : kept) {
            source.manifestDigest(repository, one).ifPresent(keptDigests::add);
          }
        }
        if (!keptDigests.contains(digest.get())) {
          deletions.add(
              new SyncExecutions.NewItem(
                  spec.source(),
                  destination,
                  repository,
                  tag,
                  SyncItem.Action.DELETE,
                  digest.get()));
        }
      }
    }
    return deletions;
  }

  private OciClient client(String name) throws OciException {
    return clients.client(
        registries
            .find(name)
            .orElseThrow(() -> new OciException("registry " + name + " is not registered")));
  }
}
