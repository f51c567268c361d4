package io.containercloud.orchestrator.operation;

import io.containercloud.common.loop.BackgroundLoop;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * What happens to operations, as an ordered log per operation (the {@code operation_event} table)
 * and as Server-Sent Events to whoever watches: each event's SSE id is its place in the log, so a
 * client that reconnects with {@code Last-Event-ID} misses nothing and sees nothing twice. Events
 * the leader writes reach its own watchers at once; watchers of another instance get them within a
 * second (the log is read for operations someone watches, and only then).
 */
@Component
class Progress extends BackgroundLoop {

  static final String FINISHED = "operation-finished";
  private static final Duration WATCH_LIMIT = Duration.ofHours(1);

  private final OperationRepository repository;
  private final JsonMapper json;
  private final Map<Long, List<Watcher>> watchers = new ConcurrentHashMap<>();

  private static final class Watcher {
    private final SseEmitter emitter;
    private int sent;
    private boolean done;

    Watcher(SseEmitter emitter, int sent) {
      this.emitter = emitter;
      this.sent = sent;
    }
  }

  Progress(OperationRepository repository, JsonMapper json) {
    super(
        "operation-progress", Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(10));
    this.repository = repository;
    this.json = json;
  }

  ObjectNode data() {
    return json.createObjectNode();
  }

  /** Appends an event to the operation's log and sends it to this instance's watchers. */
  void append(long operation, String type, ObjectNode data) {
    repository.appendEvent(operation, type, json.writeValueAsString(data));
    if (TransactionSynchronizationManager.isSynchronizationActive()) {
      // watchers hear of it once it is committed, never of an event rolled back
      TransactionSynchronizationManager.registerSynchronization(
          new TransactionSynchronization() {
            @Override
            public void afterCommit() {
              pump(operation);
            }
          });
    } else {
      pump(operation);
    }
  }

  /** A stream of the operation's events after {@code lastSeen} (0: from its start). */
  SseEmitter watch(long operation, int lastSeen) {
    SseEmitter emitter = new SseEmitter(WATCH_LIMIT.toMillis());
    Watcher watcher = new Watcher(emitter, lastSeen);
    List<Watcher> list = watchers.computeIfAbsent(operation, id -> new CopyOnWriteArrayList<>());
    list.add(watcher);
    Runnable forget = () -> list.remove(watcher);
    emitter.onCompletion(forget);
    emitter.onTimeout(forget);
    emitter.onError(e -> forget.run());
    pump(operation);
    return emitter;
  }

  @Override
  protected boolean round() {
    watchers.entrySet().removeIf(e -> e.getValue().isEmpty());
    watchers.keySet().forEach(this::pump);
    return false;
  }

  private void pump(long operation) {
    List<Watcher> list = watchers.get(operation);
    if (list == null || list.isEmpty()) {
      return;
    }
    int from = list.stream().mapToInt(w -> w.sent).min().orElse(0);
    List<OperationRepository.Event> events = repository.eventsAfter(operation, from);
    for (Watcher watcher : list) {
      send(watcher, events);
    }
  }

  private static void send(Watcher watcher, List<OperationRepository.Event> events) {
    synchronized (watcher) {
      if (watcher.done) {
        return;
      }
      try {
        for (OperationRepository.Event event : events) {
          if (event.seq() <= watcher.sent) {
            continue;
          }
          watcher.emitter.send(
              SseEmitter.event()
                  .id(Integer.toString(event.seq()))
                  .name(event.type())
                  .data(event.data(), org.springframework.http.MediaType.APPLICATION_JSON));
          watcher.sent = event.seq();
          if (FINISHED.equals(event.type())) {
            watcher.done = true;
            watcher.emitter.complete();
            return;
          }
        }
      } catch (IOException | IllegalStateException e) {
        watcher.done = true; // the client went away
        watcher.emitter.completeWithError(e);
      }
    }
  }
}
