package io.containercloud.logcenter.export;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Exports of log records to files ({@code platform.logs.exports.*}).
 *
 * @param dir where export files are written and kept until they expire
 * @param ttl how long a finished export's file can be downloaded
 * @param maxRecords the most records one export writes
 * @param pageBytes about how many bytes of records one page read from Elasticsearch holds: pages of
 *     long records are smaller, so memory stays bounded whatever the records hold
 * @param running exports written at once; more wait their turn
 */
@Validated
@ConfigurationProperties("platform.logs.exports")
public record ExportProperties(
    @NotNull Path dir,
    @NotNull @DefaultValue("1h") Duration ttl,
    @Min(1) @DefaultValue("10000000") long maxRecords,
    @NotNull @DefaultValue("8MB") DataSize pageBytes,
    @Min(1) @Max(8) @DefaultValue("2") int running) {}
