package io.containercloud.logagent.tail;

import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * How files are read ({@code platform.log-agent.tail.*}).
 *
 * @param maxRecord the longest record kept whole; longer ones are cut and flagged {@code truncated}
 * @param readChunk bytes read from one file before the next file's turn
 * @param podRate bytes per second one pod's files are read at most (a burst of one second's worth
 *     is allowed), so that a noisy pod cannot starve the others; what is held back waits in its
 *     files and is read later, never dropped
 * @param rescanInterval how often the pod log folder is listed whole, besides the notifications
 * @param idleWait how long the reader waits for a notification when nothing is left to read
 * @param multilineFlush how long a record that might go on (a stack trace) waits for its next line
 *     before it is shipped as it is
 * @param releaseAfter how long a file removed from the folder and read to its end is kept open for
 *     late writes before it is released
 */
@Validated
@ConfigurationProperties("platform.log-agent.tail")
public record TailProperties(
    @NotNull @DefaultValue("1MB") DataSize maxRecord,
    @NotNull @DefaultValue("256KB") DataSize readChunk,
    @NotNull @DefaultValue("16MB") DataSize podRate,
    @NotNull @DefaultValue("10s") Duration rescanInterval,
    @NotNull @DefaultValue("200ms") Duration idleWait,
    @NotNull @DefaultValue("1s") Duration multilineFlush,
    @NotNull @DefaultValue("2s") Duration releaseAfter) {}
