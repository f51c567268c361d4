package io.containercloud.logcenter.search;

import io.containercloud.common.error.FieldViolation;
import io.containercloud.common.error.ProblemException;
import io.containercloud.common.security.Caller;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Search of the caller's tenant's container logs ({@code /api/logs/...} through the gateway): the
 * records, newest first, a page at a time; counts over time; the lines around one record. The
 * tenant is the token's; filters are the parameters {@link LogFilter} names.
 */
@RestController
class LogSearchResource {

  private static final int MAX_PAGE = 500;
  private static final int MAX_CONTEXT = 200;

  private final LogSearch search;
  private final Clock clock;

  LogSearchResource(LogSearch search, Clock clock) {
    this.search = search;
    this.clock = clock;
  }

  @GetMapping("/records")
  LogSearch.Page records(@RequestParam Map<String, String> parameters) throws IOException {
    LogFilter filter = filter(parameters, Set.of("size", "cursor"));
    int size = number(parameters, "size", 100, 1, MAX_PAGE);
    String cursor = parameters.get("cursor");
    return search.page(filter, size, cursor == null ? null : Cursor.parse(cursor));
  }

  @GetMapping("/histogram")
  LogSearch.Histogram histogram(@RequestParam Map<String, String> parameters) throws IOException {
    LogFilter filter = filter(parameters, Set.of("interval"));
    HistogramInterval interval =
        HistogramInterval.of(
            parameters.get("interval"), Duration.between(filter.from(), filter.to()));
    return search.histogram(filter, interval);
  }

  @GetMapping("/records/{id}/context")
  LogSearch.Context context(@PathVariable String id, @RequestParam Map<String, String> parameters)
      throws IOException {
    parameters.keySet().stream()
        .filter(name -> !name.equals("before") && !name.equals("after"))
        .findFirst()
        .ifPresent(
            name -> {
              throw ProblemException.invalid(name, "is not a parameter here; use before and after");
            });
    RecordId record = RecordId.parse(id);
    int before = number(parameters, "before", 20, 0, MAX_CONTEXT);
    int after = number(parameters, "after", 20, 0, MAX_CONTEXT);
    return search.context(Caller.current().tenant(), record, before, after);
  }

  private LogFilter filter(Map<String, String> parameters, Set<String> extra) {
    return LogFilter.of(Caller.current().tenant(), parameters, extra, clock.instant());
  }

  /** A whole number parameter within bounds, or its default when absent. */
  static int number(Map<String, String> parameters, String name, int otherwise, int min, int max) {
    String value = parameters.get(name);
    if (value == null) {
      return otherwise;
    }
    try {
      int number = Integer.parseInt(value);
      if (number >= min && number <= max) {
        return number;
      }
    } catch (NumberFormatException e) {
      // refused below
    }
    throw ProblemException.invalid(
        java.util.List.of(
            new FieldViolation(name, "must be a whole number from " + min + " to " + max)));
  }
}
