package io.containercloud.logcenter.export;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.elasticsearch._types.FieldValue;
import co.elastic.clients.elasticsearch.core.SearchResponse;
import co.elastic.clients.elasticsearch.core.search.Hit;
import io.containercloud.common.error.ProblemException;
import io.containercloud.common.security.Caller;
import io.containercloud.logcenter.search.LogFilter;
import io.containercloud.logcenter.search.LogSearch;
import io.containercloud.logcenter.search.StoredRecord;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Exports beyond a search window: a background job reads the filter's records through a point in
 * time (a consistent view while it reads) with {@code search_after}, newest first, a page at a
 * time, and streams them to a file; pages are sized by bytes, so memory stays bounded whatever the
 * records hold. The job and its file belong to the tenant and user who asked; anyone else is told
 * it does not exist. Files expire {@code ttl} after the job ends.
 */
@Component
class Exports implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(Exports.class);
  private static final String KEEP_ALIVE = "2m";
  private static final int MIN_PAGE = 10;
  private static final int MAX_PAGE = 5000;

  private final ElasticsearchClient client;
  private final ExportProperties properties;
  private final JsonMapper mapper;
  private final Clock clock;
  private final ExecutorService runner;
  private final Map<String, ExportJob.Stored> jobs = new ConcurrentHashMap<>();

  Exports(ElasticsearchClient client, ExportProperties properties, JsonMapper mapper, Clock clock)
      throws IOException {
    this.client = client;
    this.properties = properties;
    this.mapper = mapper;
    this.clock = clock;
    this.runner =
        Executors.newFixedThreadPool(
            properties.running(), new CustomizableThreadFactory("export-"));
    Files.createDirectories(properties.dir());
    load();
  }

  ExportJob start(Caller caller, ExportFormat format, LogFilter filter, Map<String, String> asked) {
    Instant now = clock.instant();
    ExportJob job =
        new ExportJob(
            UUID.randomUUID().toString(),
            caller.tenant(),
            caller.user(),
            format.extension(),
            Map.copyOf(asked),
            ExportJob.RUNNING,
            0,
            0,
            now,
            null,
            null,
            null);
    save(job);
    runner.execute(() -> run(job, format, filter));
    return job;
  }

  /** The caller's export, or a 404 (another tenant's or user's looks the same as none). */
  ExportJob get(Caller caller, String id) {
    ExportJob.Stored stored = jobs.get(id);
    if (stored == null
        || !stored.tenant().equals(caller.tenant())
        || !stored.user().equals(caller.user())) {
      throw ProblemException.notFound("export", id);
    }
    return stored.job();
  }

  /** The finished export's file. */
  Optional<Path> file(ExportJob job) {
    Path file = properties.dir().resolve(job.id() + "." + job.format());
    return ExportJob.DONE.equals(job.state()) && Files.exists(file)
        ? Optional.of(file)
        : Optional.empty();
  }

  private void run(ExportJob job, ExportFormat format, LogFilter filter) {
    Path part = properties.dir().resolve(job.id() + ".part");
    Path file = properties.dir().resolve(job.id() + "." + format.extension());
    ExportJob current = job;
    try (Writer out =
        new BufferedWriter(Files.newBufferedWriter(part, StandardCharsets.UTF_8), 1 << 16)) {
      format.header(out);
      current = write(current, format, filter, out);
      out.flush();
      Files.move(part, file, StandardCopyOption.ATOMIC_MOVE);
      Instant end = clock.instant();
      save(current.ended(ExportJob.DONE, end, end.plus(properties.ttl()), null));
    } catch (IOException | RuntimeException e) {
      log.warn("export {} failed", job.id(), e);
      Instant end = clock.instant();
      save(
          current.ended(
              ExportJob.FAILED,
              end,
              end.plus(properties.ttl()),
              "the export could not be written: " + e.getMessage()));
      deleteQuietly(part);
    }
  }

  private ExportJob write(ExportJob job, ExportFormat format, LogFilter filter, Writer out)
      throws IOException {
    String pit;
    try {
      pit =
          client
              .openPointInTime(
                  p ->
                      p.index(filter.indices())
                          .keepAlive(k -> k.time(KEEP_ALIVE))
                          .ignoreUnavailable(true))
              .id();
    } catch (ElasticsearchException e) {
      if (e.status() == 404) {
        return job; // the tenant has no records yet
      }
      throw e;
    }
    try {
      ExportJob current = job;
      List<FieldValue> after = null;
      int page = 1000;
      while (current.records() < properties.maxRecords()) {
        int size = (int) Math.min(page, properties.maxRecords() - current.records());
        List<FieldValue> from = after;
        boolean first = after == null;
        SearchResponse<StoredRecord> response =
            client.search(
                s -> {
                  s.pit(p -> p.id(pit).keepAlive(k -> k.time(KEEP_ALIVE)))
                      .query(filter.query())
                      .sort(LogSearch.NEWEST_FIRST)
                      .size(size)
                      .trackTotalHits(t -> t.enabled(first));
                  if (from != null) {
                    s.searchAfter(from);
                  }
                  return s;
                },
                StoredRecord.class);
        List<Hit<StoredRecord>> hits = response.hits().hits();
        if (first && response.hits().total() != null) {
          current =
              current.total(Math.min(response.hits().total().value(), properties.maxRecords()));
        }
        long bytes = 0;
        for (Hit<StoredRecord> hit : hits) {
          format.write(hit.source().view(hit.id()), out, mapper);
          bytes += hit.source().message() == null ? 0 : hit.source().message().length();
        }
        current = current.progress(current.records() + hits.size());
        jobs.put(current.id(), new ExportJob.Stored(current, current.tenant(), current.user()));
        if (hits.size() < size) {
          break;
        }
        after = hits.get(hits.size() - 1).sort();
        page = pageFor(bytes, hits.size());
      }
      return current;
    } finally {
      client.closePointInTime(c -> c.id(pit));
    }
  }

  /** Records per page for about {@code page-bytes} of them, from the last page's mean size. */
  private int pageFor(long bytes, int records) {
    long mean = Math.max(1, bytes / Math.max(1, records)) + 300;
    return (int) Math.max(MIN_PAGE, Math.min(MAX_PAGE, properties.pageBytes().toBytes() / mean));
  }

  /** Deletes the files and records of exports past their expiry. */
  @Scheduled(fixedDelayString = "${platform.logs.exports.sweep:60s}")
  void expire() {
    Instant now = clock.instant();
    for (ExportJob.Stored stored : List.copyOf(jobs.values())) {
      ExportJob job = stored.job();
      if (job.expiresAt() != null && !job.expiresAt().isAfter(now)) {
        jobs.remove(job.id());
        deleteQuietly(properties.dir().resolve(job.id() + "." + job.format()));
        deleteQuietly(properties.dir().resolve(job.id() + ".json"));
      }
    }
  }

  private void save(ExportJob job) {
    ExportJob.Stored stored = new ExportJob.Stored(job, job.tenant(), job.user());
    jobs.put(job.id(), stored);
    try {
      Path next = properties.dir().resolve(job.id() + ".json.next");
      Files.write(next, mapper.writeValueAsBytes(stored));
      Files.move(
          next, properties.dir().resolve(job.id() + ".json"), StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Takes the exports kept in the folder back; one that was running when the service stopped
   * failed.
   */
  private void load() throws IOException {
    try (DirectoryStream<Path> kept = Files.newDirectoryStream(properties.dir(), "*.json")) {
      for (Path file : kept) {
        ExportJob.Stored stored = mapper.readValue(file.toFile(), ExportJob.Stored.class);
        ExportJob job =
            new ExportJob(
                stored.job().id(),
                stored.tenant(),
                stored.user(),
                stored.job().format(),
                stored.job().filters(),
                stored.job().state(),
                stored.job().records(),
                stored.job().total(),
                stored.job().createdAt(),
                stored.job().finishedAt(),
                stored.job().expiresAt(),
                stored.job().error());
        if (ExportJob.RUNNING.equals(job.state())) {
          Instant now = clock.instant();
          job =
              job.ended(
                  ExportJob.FAILED,
                  now,
                  now.plus(properties.ttl()),
                  "log-center stopped while it ran");
          deleteQuietly(properties.dir().resolve(job.id() + ".part"));
        }
        save(job);
      }
    }
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      log.warn("cannot delete {}", file, e);
    }
  }

  @Override
  public void close() {
    runner.shutdownNow();
  }
}
