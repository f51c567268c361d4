package io.containercloud.build.registry.sync;

import com.fasterxml.jackson.annotation.JsonValue;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.List;
import java.util.Locale;

/**
 * What a sync policy says: which images of the tenant's project go from one room's registry to
 * others, and when.
 *
 * @param source the registry images are copied from (its registered name)
 * @param destinations the registries they are copied to (other than the source)
 * @param repositories a glob of repositories within the tenant's project ({@code orders-*}, {@code
 *     team/**}; default {@code **}: all)
 * @param tags a glob of tags (default {@code *}: all)
 * @param trigger when it runs: on each push to the source, on a schedule, or when asked
 * @param schedule for {@code scheduled}: a cron expression of six fields (second first), in UTC
 * @param replicateDeletions whether a full sync removes from destinations the tags the source no
 *     longer has
 * @param enabled a disabled policy never runs
 */
public record SyncPolicySpec(
    @NotNull @Pattern(regexp = LABEL, message = LABEL_MESSAGE) String source,
    @NotNull @Size(min = 1, max = 16)
        List<@NotNull @Pattern(regexp = LABEL, message = LABEL_MESSAGE) String> destinations,
    @Pattern(regexp = Glob.REPOSITORIES, message = "must be a glob of repository characters")
        String repositories,
    @Pattern(regexp = Glob.TAGS, message = "must be a glob of tag characters") String tags,
    @NotNull Trigger trigger,
    @Size(max = 100)
        @Pattern(regexp = "[0-9A-Za-z*/?,#LW -]*", message = "must be a cron expression")
        String schedule,
    Boolean replicateDeletions,
    Boolean enabled) {

  static final String LABEL = "[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?";
  static final String LABEL_MESSAGE = "must be a registered registry's name";

  public SyncPolicySpec {
    destinations = destinations == null ? null : List.copyOf(destinations);
    repositories = repositories == null ? "**" : repositories;
    tags = tags == null ? "*" : tags;
    replicateDeletions = replicateDeletions != null && replicateDeletions;
    enabled = enabled == null || enabled;
  }

  /** When a policy runs. */
  public enum Trigger {
    /** On each push to the source registry ({@code image.pushed}) that its filters match. */
    EVENT,
    /** A full sync on its schedule. */
    SCHEDULED,
    /** A full sync when a writer asks for one. */
    MANUAL;

    @JsonValue
    public String value() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** Whether {@code repository} (inside the project, without it) and {@code tag} are its. */
  boolean matches(String repository, String tag) {
    return Glob.matches(repositories, repository) && Glob.matches(this.tags, tag);
  }
}
