package io.containercloud.cluster.shell;

import io.containercloud.common.error.ProblemException;
import io.containercloud.common.security.Caller;
import io.containercloud.common.security.Role;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Past and open web shell sessions of the caller's tenant, each replayable in full. */
@RestController
class ShellResource {

  private final ShellSessions sessions;

  ShellResource(ShellSessions sessions) {
    this.sessions = sessions;
  }

  record Replay(ShellSessions.Session session, List<ShellSessions.Entry> entries) {}

  @GetMapping("/shell-sessions")
  List<ShellSessions.Session> list(
      @RequestParam(required = false) String tenant, @RequestParam(defaultValue = "50") int limit) {
    Caller caller = Caller.current();
    String scope = caller.has(Role.PLATFORM_ADMIN) ? tenant : caller.tenant();
    return sessions.list(scope, Math.max(1, Math.min(limit, 500)));
  }

  @GetMapping("/shell-sessions/{id}")
  Replay replay(@PathVariable String id) {
    ShellSessions.Session session =
        sessions
            .find(id)
            .filter(s -> Caller.current().canSee(s.tenant()))
            .orElseThrow(() -> ProblemException.notFound("shell session", id));
    return new Replay(session, sessions.entries(id));
  }
}
