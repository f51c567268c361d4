package io.containercloud.orchestrator.operation;

import io.containercloud.common.error.FieldViolation;
import io.containercloud.common.error.ProblemException;
import io.containercloud.common.event.contract.ImagePushed;
import io.containercloud.common.security.Caller;
import io.containercloud.orchestrator.application.ApplicationRepository;
import io.containercloud.orchestrator.application.Applications;
import io.containercloud.orchestrator.application.model.AppService;
import io.containercloud.orchestrator.application.model.Application;
import io.containercloud.orchestrator.application.model.Definition;
import io.containercloud.orchestrator.operation.model.Action;
import io.containercloud.orchestrator.operation.model.Operation;
import io.containercloud.orchestrator.operation.model.Planner;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Starts operations. Each is planned and stored, with its first event, in one transaction that
 * holds the application's row, before any call to cluster-service: so there is one operation at a
 * time per application (a second request is 409 naming the one in the way), and a crash never loses
 * one that was accepted. An image push's upgrade is queued behind a running operation rather than
 * refused.
 */
@Service
public class Operations {

  /** Who image pushes' upgrades are done by. */
  public static final String ORCHESTRATOR = "service:app-orchestrator";

  private final ApplicationRepository applications;
  private final OperationRepository repository;
  private final Progress progress;
  private final AppEvents events;
  private final TransactionTemplate tx;
  private final OperationRunner runner;

  Operations(
      ApplicationRepository applications,
      OperationRepository repository,
      Progress progress,
      AppEvents events,
      TransactionTemplate tx,
      OperationRunner runner) {
    this.applications = applications;
    this.repository = repository;
    this.progress = progress;
    this.events = events;
    this.tx = tx;
    this.runner = runner;
  }

  /**
   * A new operation on {@code application} for {@code caller}; an upgrade with {@code images}
   * (service to image) first stores them as the application's next version.
   */
  Operation request(
      Application application, Action action, Map<String, String> images, Caller caller) {
    Operation operation =
        tx.execute(
            status -> {
              Application locked = lock(application, action);
              repository
                  .active(locked.id())
                  .ifPresent(
                      active -> {
                        throw inTheWay(locked, active);
                      });
              Definition definition = locked.definition();
              long version = locked.version();
              if (!images.isEmpty()) {
                definition = withImages(definition, images);
                version =
                    applications
                        .update(locked.id(), version, definition, caller.user(), "upgrade")
                        .orElseThrow(
                            () ->
                                ProblemException.conflict(
                                    "stale-version",
                                    "Application '"
                                        + locked.name()
                                        + "' changed meanwhile; ask again."));
              }
              if (action == Action.DELETE) {
                applications.markDeleting(locked.id());
              }
              return create(locked, definition, version, action, Set.of(), caller.user(), "api");
            });
    afterCommit(() -> runner.wake(operation));
    return operation;
  }

  /** Asks a running operation to start no further step; {@code false} when it had ended. */
  boolean cancel(Operation operation, Caller caller) {
    boolean recorded =
        Boolean.TRUE.equals(
            tx.execute(
                status -> {
                  boolean now = repository.requestCancel(operation.id());
                  if (now) {
                    progress.append(
                        operation.id(),
                        "cancel-requested",
                        progress.data().put("by", caller.user()));
                  }
                  return now;
                }));
    afterCommit(() -> runner.wake(List.of(operation.id())));
    return recorded;
  }

  /**
   * Upgrades every service of the tenant's applications that follows the pushed repository and tag
   * to the pushed digest: a new version of the application and an upgrade of that one service,
   * queued behind whatever operation runs. A service already on that digest is left alone, so the
   * same push twice changes nothing.
   *
   * @return the operations started
   */
  public List<Long> follow(ImagePushed push, String eventId) {
    String repository = push.registry() + "/" + push.repository();
    String tenant = push.repository().substring(0, push.repository().indexOf('/'));
    List<Long> started = new ArrayList<>();
    for (Application application : applications.list(tenant)) {
      for (AppService service : application.definition().services()) {
        if (service.follow() != null && service.follow().matches(repository, push.tag())) {
          String image = repository + "@" + push.digest();
          Long id = tx.execute(status -> followed(application, service.name(), image, push));
          if (id != null) {
            started.add(id);
          }
        }
      }
    }
    if (!started.isEmpty()) {
      afterCommit(() -> runner.wake(started));
    }
    return started;
  }

  // in a transaction around (a consumer's, an idempotent request's) the runner must find the
  // operation: it is woken after the commit
  private static void afterCommit(Runnable wake) {
    if (TransactionSynchronizationManager.isSynchronizationActive()) {
      TransactionSynchronizationManager.registerSynchronization(
          new TransactionSynchronization() {
            @Override
            public void afterCommit() {
              wake.run();
            }
          });
    } else {
      wake.run();
    }
  }

  private Long followed(Application application, String service, String image, ImagePushed push) {
    Application locked = applications.lock(application.id()).orElse(null);
    if (locked == null || locked.deleting()) {
      return null;
    }
    AppService current = locked.definition().service(service).orElse(null);
    if (current == null || current.image().equals(image)) {
      return null;
    }
    Definition definition = withImages(locked.definition(), Map.of(service, image));
    String cause = "image.pushed " + push.repository() + ":" + push.tag();
    long version =
        applications
            .update(locked.id(), locked.version(), definition, ORCHESTRATOR, cause)
            .orElseThrow();
    Operation operation =
        create(locked, definition, version, Action.UPGRADE, Set.of(service), ORCHESTRATOR, cause);
    events.audit(operation, ORCHESTRATOR);
    return operation.id();
  }

  private Operation create(
      Application application,
      Definition definition,
      long version,
      Action action,
      Set<String> only,
      String user,
      String cause) {
    Set<String> removed = new HashSet<>(applications.servicesEver(application.id()));
    definition.services().forEach(s -> removed.remove(s.name()));
    List<Planner.Planned> steps =
        Planner.plan(action, application.name(), Applications.layers(definition), only, removed);
    long id =
        repository.insert(
            application.id(),
            application.tenant(),
            application.name(),
            action,
            version,
            user,
            cause,
            steps);
    progress.append(
        id,
        "operation-created",
        progress
            .data()
            .put("operation", id)
            .put("action", action.value())
            .put("application", application.name())
            .put("applicationVersion", version)
            .put("steps", steps.size())
            .put("requestedBy", user));
    return repository.find(id).orElseThrow();
  }

  private Application lock(Application application, Action action) {
    Application locked =
        applications
            .lock(application.id())
            .orElseThrow(
                () ->
                    ProblemException.notFound(
                        "application", application.tenant() + "/" + application.name()));
    if (locked.deleting() && action != Action.DELETE) {
      throw ProblemException.conflict(
          "application-deleting", "Application '" + locked.name() + "' is being deleted.");
    }
    return locked;
  }

  private static ProblemException inTheWay(Application application, Operation active) {
    Map<String, Object> members = new LinkedHashMap<>();
    members.put("operation", active.id());
    members.put("action", active.action().value());
    members.put("state", active.state().value());
    return ProblemException.conflict(
        "operation-running",
        "Operation "
            + active.id()
            + " ("
            + active.action().value()
            + ") is "
            + active.state().value()
            + " on application '"
            + application.name()
            + "': wait for it or cancel it.",
        members);
  }

  private static Definition withImages(Definition definition, Map<String, String> images) {
    List<FieldViolation> violations = new ArrayList<>();
    images.forEach(
        (service, image) -> {
          if (definition.service(service).isEmpty()) {
            violations.add(
                new FieldViolation("images." + service, "names no service of the application"));
          } else if (image == null
              || image.isBlank()
              || image.length() > 512
              || !image.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            violations.add(new FieldViolation("images." + service, "must be an image reference"));
          }
        });
    if (!violations.isEmpty()) {
      throw ProblemException.unprocessable(
          "invalid-images", "Some images cannot be applied.", violations);
    }
    return new Definition(
        definition.description(),
        definition.services().stream()
            .map(s -> images.containsKey(s.name()) ? s.withImage(images.get(s.name())) : s)
            .toList());
  }
}
