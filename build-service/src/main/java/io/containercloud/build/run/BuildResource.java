package io.containercloud.build.run;

import io.containercloud.build.configuration.Configuration;
import io.containercloud.build.configuration.ConfigurationRepository;
import io.containercloud.common.error.ProblemException;
import io.containercloud.common.security.Caller;
import io.containercloud.common.security.Role;
import java.io.IOException;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * Builds: asked for from a configuration, listed, read with their steps, cancelled; their log
 * whole, or followed live as Server-Sent Events while they run.
 */
@RestController
class BuildResource {

  private final ConfigurationRepository configurations;
  private final BuildRepository repository;
  private final BuildQueue queue;
  private final BuildLog logs;
  private final BuildEvents events;
  private final TransactionTemplate tx;

  BuildResource(
      ConfigurationRepository configurations,
      BuildRepository repository,
      BuildQueue queue,
      BuildLog logs,
      BuildEvents events,
      TransactionTemplate tx) {
    this.configurations = configurations;
    this.repository = repository;
    this.queue = queue;
    this.logs = logs;
    this.events = events;
    this.tx = tx;
  }

  /** A build as the API shows it. */
  record BuildView(
      String tenant,
      String configuration,
      long number,
      String status,
      String trigger,
      String requestedBy,
      String executor,
      String commit,
      String image,
      String digest,
      String error,
      Instant createdAt,
      Instant startedAt,
      Instant finishedAt,
      List<Build.Step> steps) {}

  @PostMapping("/configurations/{tenant}/{name}/builds")
  ResponseEntity<BuildView> trigger(@PathVariable String tenant, @PathVariable String name) {
    Caller caller = requireWriter(tenant);
    Configuration configuration =
        find(
            "build configuration",
            tenant,
            name,
            () -> configurations.find(tenant, name).orElse(null));
    Build queued = queue.queue(configuration, "manual", caller.user());
    long number = queued.number();
    return ResponseEntity.accepted()
        .location(URI.create("/builds/" + tenant + "/" + name + "/" + number))
        .body(view(queued));
  }

  @GetMapping("/builds")
  List<BuildView> list(
      @RequestParam(required = false) String tenant,
      @RequestParam(required = false) String configuration,
      @RequestParam(defaultValue = "50") int limit) {
    Caller caller = Caller.current();
    String scope = caller.has(Role.PLATFORM_ADMIN) ? tenant : caller.tenant();
    return repository.list(scope, configuration, Math.max(1, Math.min(limit, 500))).stream()
        .map(BuildResource::view)
        .toList();
  }

  @GetMapping("/builds/{tenant}/{configuration}/{number}")
  BuildView get(
      @PathVariable String tenant, @PathVariable String configuration, @PathVariable long number) {
    return view(build(tenant, configuration, number));
  }

  @PostMapping("/builds/{tenant}/{configuration}/{number}/cancel")
  ResponseEntity<BuildView> cancel(
      @PathVariable String tenant, @PathVariable String configuration, @PathVariable long number) {
    requireWriter(tenant);
    Build build = build(tenant, configuration, number);
    if (build.status().finished()) {
      throw ProblemException.conflict(
          "build-finished", "Build " + number + " ended " + build.status() + " already.");
    }
    repository.requestCancel(build.id());
    tx.executeWithoutResult(
        s -> {
          if (repository.cancelQueued(build.id())) {
            events.append(
                BuildEvents.Type.CANCELLED, build, events.data(build).put("status", "CANCELLED"));
          }
        });
    return ResponseEntity.accepted().body(view(repository.find(build.id()).orElseThrow()));
  }

  @GetMapping(path = "/builds/{tenant}/{configuration}/{number}/log", produces = "text/plain")
  String log(
      @PathVariable String tenant, @PathVariable String configuration, @PathVariable long number) {
    return logs.read(build(tenant, configuration, number).id());
  }

  /**
   * The log so far as one {@code log} event, then each new line as its own, and {@code end} when
   * the build is over.
   */
  @GetMapping(
      path = "/builds/{tenant}/{configuration}/{number}/log/stream",
      produces = MediaType.TEXT_EVENT_STREAM_VALUE)
  SseEmitter follow(
      @PathVariable String tenant, @PathVariable String configuration, @PathVariable long number) {
    Build build = build(tenant, configuration, number);
    SseEmitter emitter = new SseEmitter(0L);
    Runnable stop =
        logs.follow(
            build.id(),
            stored -> send(emitter, "log", stored),
            line -> {
              if (line == null) {
                send(emitter, "end", "");
                emitter.complete();
              } else {
                send(emitter, "log", line);
              }
            });
    emitter.onCompletion(stop);
    emitter.onTimeout(stop);
    emitter.onError(e -> stop.run());
    if (repository.find(build.id()).orElseThrow().status().finished()) {
      stop.run();
      send(emitter, "end", "");
      emitter.complete();
    }
    return emitter;
  }

  private static void send(SseEmitter emitter, String event, String data) {
    try {
      emitter.send(SseEmitter.event().name(event).data(data, MediaType.TEXT_PLAIN));
    } catch (IOException | IllegalStateException e) {
      emitter.completeWithError(e); // the client went away
    }
  }

  private Build build(String tenant, String configuration, long number) {
    return find(
        "build",
        tenant,
        configuration + "/" + number,
        () -> repository.find(tenant, configuration, number).orElse(null));
  }

  private static <T> T find(
      String what, String tenant, String id, java.util.function.Supplier<T> lookup) {
    T found = Caller.current().canSee(tenant) ? lookup.get() : null;
    if (found == null) {
      throw ProblemException.notFound(what, tenant + "/" + id);
    }
    return found;
  }

  private static Caller requireWriter(String tenant) {
    Caller caller = Caller.current();
    if (!caller.canChange(tenant)) {
      throw ProblemException.forbidden("Builds need the developer role in the tenant.");
    }
    return caller;
  }

  private static BuildView view(Build build) {
    return new BuildView(
        build.tenant(),
        build.configuration(),
        build.number(),
        build.status().name(),
        build.trigger(),
        build.requestedBy(),
        build.executor(),
        build.commitSha(),
        build.image(),
        build.digest(),
        build.error(),
        build.createdAt(),
        build.startedAt(),
        build.finishedAt(),
        build.steps());
  }
}
