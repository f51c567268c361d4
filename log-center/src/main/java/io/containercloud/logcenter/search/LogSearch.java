package io.containercloud.logcenter.search;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.elasticsearch._types.SortOptions;
import co.elastic.clients.elasticsearch._types.SortOrder;
import co.elastic.clients.elasticsearch._types.aggregations.DateHistogramBucket;
import co.elastic.clients.elasticsearch._types.aggregations.ExtendedBounds;
import co.elastic.clients.elasticsearch._types.aggregations.FieldDateMath;
import co.elastic.clients.elasticsearch._types.query_dsl.Query;
import co.elastic.clients.elasticsearch.core.SearchRequest;
import co.elastic.clients.elasticsearch.core.SearchResponse;
import co.elastic.clients.elasticsearch.core.search.Hit;
import co.elastic.clients.transport.TransportException;
import co.elastic.clients.util.ObjectBuilder;
import io.containercloud.common.elasticsearch.ContainerLogIndex;
import io.containercloud.common.error.ProblemException;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.elasticsearch.client.ResponseException;
import org.springframework.stereotype.Component;

/** Searches of one tenant's records; every query carries the tenant's indices and filter. */
@Component
public class LogSearch {

  /** Newest first; the file and offset order records written in the same nanosecond. */
  public static final List<SortOptions> NEWEST_FIRST =
      List.of(
          SortOptions.of(s -> s.field(f -> f.field("@timestamp").order(SortOrder.Desc))),
          SortOptions.of(s -> s.field(f -> f.field("source").order(SortOrder.Desc))),
          SortOptions.of(s -> s.field(f -> f.field("offset").order(SortOrder.Desc))));

  private final ElasticsearchClient client;

  LogSearch(ElasticsearchClient client) {
    this.client = client;
  }

  /** One page of records, newest first, and the cursor of the next page when there may be one. */
  public record Page(List<LogView> records, String next) {}

  /** Counts of records per interval over the filter's time range. */
  public record Histogram(String interval, List<Bucket> buckets) {}

  public record Bucket(String time, long count) {}

  /** A record and the records around it in the same file, oldest first. */
  public record Context(List<LogView> before, LogView record, List<LogView> after) {}

  Page page(LogFilter filter, int size, Cursor after) throws IOException {
    SearchResponse<StoredRecord> response =
        search(
            s -> {
              s.index(filter.indices())
                  .allowNoIndices(true)
                  .ignoreUnavailable(true)
                  .query(filter.query())
                  .sort(NEWEST_FIRST)
                  .size(size)
                  .trackTotalHits(t -> t.enabled(false));
              if (after != null) {
                s.searchAfter(after.after());
              }
              return s;
            },
            StoredRecord.class);
    List<Hit<StoredRecord>> hits = response.hits().hits();
    List<LogView> records = hits.stream().map(h -> h.source().view(h.id())).toList();
    String next = hits.size() < size ? null : Cursor.of(hits.get(hits.size() - 1).sort()).text();
    return new Page(records, next);
  }

  Histogram histogram(LogFilter filter, HistogramInterval interval) throws IOException {
    SearchResponse<Void> response =
        search(
            s ->
                s.index(filter.indices())
                    .allowNoIndices(true)
                    .ignoreUnavailable(true)
                    .query(filter.query())
                    .size(0)
                    .aggregations(
                        "counts",
                        a ->
                            a.dateHistogram(
                                h ->
                                    h.field("@timestamp")
                                        .fixedInterval(i -> i.time(interval.text()))
                                        .offset(o -> o.time(interval.offset(filter.from())))
                                        .minDocCount(0)
                                        .extendedBounds(bounds(filter)))),
            Void.class);
    List<Bucket> buckets = new ArrayList<>();
    if (response.aggregations().get("counts") != null) {
      for (DateHistogramBucket bucket :
          response.aggregations().get("counts").dateHistogram().buckets().array()) {
        Instant start = Instant.ofEpochMilli(bucket.key());
        if (start.isBefore(filter.to())) { // extended bounds may add one past the range
          buckets.add(new Bucket(start.toString(), bucket.docCount()));
        }
      }
    }
    return new Histogram(interval.text(), buckets);
  }

  /** Buckets from the range's start to its end, empty ones included. */
  private static ExtendedBounds<FieldDateMath> bounds(LogFilter filter) {
    double from = filter.from().toEpochMilli();
    double to = filter.to().toEpochMilli() - 1;
    return ExtendedBounds.of(
        b -> b.min(FieldDateMath.of(m -> m.value(from))).max(FieldDateMath.of(m -> m.value(to))));
  }

  Context context(String tenant, RecordId id, int before, int after) throws IOException {
    String indices = ContainerLogIndex.pattern(tenant);
    Query tenantOnly = Query.of(q -> q.term(t -> t.field("tenant").value(tenant)));
    List<Hit<StoredRecord>> found =
        search(
                s ->
                    s.index(indices)
                        .allowNoIndices(true)
                        .ignoreUnavailable(true)
                        .query(
                            q ->
                                q.bool(
                                    b ->
                                        b.filter(tenantOnly)
                                            .filter(f -> f.ids(i -> i.values(id.text())))))
                        .size(1),
                StoredRecord.class)
            .hits()
            .hits();
    if (found.isEmpty()) {
      throw ProblemException.notFound("log record", id.text());
    }
    Hit<StoredRecord> record = found.get(0);
    List<LogView> older = neighbours(indices, tenantOnly, id, before, SortOrder.Desc);
    Collections.reverse(older);
    List<LogView> newer = neighbours(indices, tenantOnly, id, after, SortOrder.Asc);
    return new Context(older, record.source().view(record.id()), newer);
  }

  private List<LogView> neighbours(
      String indices, Query tenantOnly, RecordId id, int count, SortOrder order)
      throws IOException {
    if (count == 0) {
      return new ArrayList<>();
    }
    return search(
            s ->
                s.index(indices)
                    .allowNoIndices(true)
                    .ignoreUnavailable(true)
                    .query(
                        q ->
                            q.bool(
                                b ->
                                    b.filter(tenantOnly)
                                        .filter(
                                            f -> f.term(t -> t.field("source").value(id.source())))
                                        .filter(
                                            f ->
                                                f.range(
                                                    r ->
                                                        r.number(
                                                            n -> {
                                                              n.field("offset");
                                                              return order == SortOrder.Desc
                                                                  ? n.lt((double) id.offset())
                                                                  : n.gt((double) id.offset());
                                                            })))))
                    .sort(o -> o.field(f -> f.field("offset").order(order)))
                    .size(count),
            StoredRecord.class)
        .hits()
        .hits()
        .stream()
        .map(h -> h.source().view(h.id()))
        .collect(Collectors.toCollection(ArrayList::new));
  }

  /**
   * A search. Elasticsearch away, cut off or not ready (a shard not started yet, too busy) is a 503
   * to retry, not a 500: nothing is wrong with the request.
   */
  private <T> SearchResponse<T> search(
      Function<SearchRequest.Builder, ObjectBuilder<SearchRequest>> request, Class<T> type)
      throws IOException {
    try {
      return client.search(request, type);
    } catch (ElasticsearchException e) {
      if (retryable(e.status())) {
        throw unavailable(e);
      }
      throw e;
    } catch (ResponseException e) {
      if (retryable(e.getResponse().getStatusLine().getStatusCode())) {
        throw unavailable(e);
      }
      throw e;
    } catch (TransportException e) { // an answer the client could not take, or none
      if (e.response() == null || retryable(e.statusCode())) {
        throw unavailable(e);
      }
      throw e;
    } catch (IOException e) { // no answer: refused, cut or timed out
      throw unavailable(e);
    }
  }

  private static boolean retryable(int status) {
    return status == 429 || status == 502 || status == 503 || status == 504;
  }

  private static ProblemException unavailable(Exception e) {
    return ProblemException.unavailable(
        "dependency-unavailable",
        "Elasticsearch did not answer the search (" + e.getClass().getSimpleName() + "). Retry.",
        e);
  }
}
