package io.containercloud.common.it;

import io.containercloud.common.error.ProblemException;
import io.containercloud.common.security.Caller;
import io.containercloud.common.security.Role;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** A tiny API with validation and a role check, to drive the shared error and security setup. */
@RestController
class WidgetResource {

  record WidgetRequest(
      @NotBlank @Pattern(regexp = "[a-z0-9-]{1,63}", message = "must be a DNS-1123 label")
          String name,
      @Min(0) @Max(100) int replicas) {}

  @PostMapping("/widgets")
  @ResponseStatus(HttpStatus.CREATED)
  Map<String, Object> create(@Valid @RequestBody WidgetRequest request) {
    Caller caller = Caller.current();
    if (!caller.has(Role.DEVELOPER) && !caller.has(Role.PLATFORM_ADMIN)) {
      throw ProblemException.forbidden("Creating widgets needs the developer role.");
    }
    return Map.of("name", request.name(), "tenant", caller.tenant(), "user", caller.user());
  }

  /** What the logging context holds while this request is handled. */
  @GetMapping("/log-context")
  Map<String, String> logContext() {
    String id = org.slf4j.MDC.get("correlationId");
    return Map.of("correlationId", id == null ? "" : id);
  }

  @GetMapping("/whoami")
  Caller whoami() {
    return Caller.current();
  }
}
